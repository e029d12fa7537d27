using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Training;

namespace DiffusionFramework.Tests.Training;

/// <summary>Options validation and JSON round trip.</summary>
public class TrainerOptionsTests
{
    [Fact]
    public void DefaultsAreValidAndMatchAdamW()
    {
        var options = new TrainerOptions();
        options.Validate();
        Assert.Equal((0.9, 0.999, 1e-8, 1e-2), (options.AdamBeta1, options.AdamBeta2, options.AdamEpsilon, options.WeightDecay));
    }

    [Theory]
    [InlineData(nameof(TrainerOptions.Steps))]
    [InlineData(nameof(TrainerOptions.BatchSize))]
    [InlineData(nameof(TrainerOptions.AdamBeta2))]
    [InlineData(nameof(TrainerOptions.GradientClipNorm))]
    [InlineData(nameof(TrainerOptions.EmaDecay))]
    [InlineData(nameof(TrainerOptions.KeepLastCheckpoints))]
    [InlineData(nameof(TrainerOptions.ConditionDropProbability))]
    [InlineData(nameof(TrainerOptions.MinLearningRate))]
    [InlineData(nameof(TrainerOptions.LossWeighting))]
    public void InvalidFieldIsNamed(string field)
    {
        var options = field switch
        {
            nameof(TrainerOptions.Steps) => new TrainerOptions { Steps = 0 },
            nameof(TrainerOptions.BatchSize) => new TrainerOptions { BatchSize = -3 },
            nameof(TrainerOptions.AdamBeta2) => new TrainerOptions { AdamBeta2 = 1.0 },
            nameof(TrainerOptions.GradientClipNorm) => new TrainerOptions { GradientClipNorm = 0 },
            nameof(TrainerOptions.EmaDecay) => new TrainerOptions { EmaDecay = double.NaN },
            nameof(TrainerOptions.KeepLastCheckpoints) => new TrainerOptions { KeepLastCheckpoints = 0 },
            nameof(TrainerOptions.ConditionDropProbability) => new TrainerOptions { ConditionDropProbability = 1.5 },
            nameof(TrainerOptions.MinLearningRate) => new TrainerOptions { MinLearningRate = 1 },
            _ => new TrainerOptions { LossWeighting = (LossWeighting)7 },
        };
        var error = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Equal(field, error.ParamName);
        Assert.Contains(field, error.Message);
    }

    [Fact]
    public void JsonRoundTripsEveryField()
    {
        var options = new TrainerOptions
        {
            Steps = 123, BatchSize = 7, LearningRate = 3e-4, WarmupSteps = 5, LearningRateDecay = LearningRateDecay.Constant,
            MinLearningRate = 1e-6, WeightDecay = 0, AdamBeta1 = 0.8, AdamBeta2 = 0.95, AdamEpsilon = 1e-6,
            GradientClipNorm = null, EmaDecay = 0.99, EmaWarmup = EmaWarmup.Power, CheckpointEvery = 10,
            CheckpointDirectory = "/tmp/x", KeepLastCheckpoints = 2, Seed = -5, Device = "cuda:1",
            LossWeighting = LossWeighting.MinSnr, MinSnrGamma = 3, ConditionDropProbability = 0.1,
        };
        string json = options.ToJson();
        Assert.Contains("\"lossWeighting\": \"MinSnr\"", json);
        Assert.Equal(options, TrainerOptions.FromJson(json));
    }

    [Fact]
    public void UnknownEnumNameIsRejected()
    {
        var error = Assert.Throws<ArgumentException>(() => TrainerOptions.FromJson("{\"lossWeighting\": \"Huber\"}"));
        Assert.Contains("trainer options", error.Message);
    }

    [Fact]
    public void ModalityDefaultsFillTheirFields()
    {
        var options = TrainerOptions.FromDefaults(new TrainingDefaults(Steps: 300, BatchSize: 16, LearningRate: 2e-3, WarmupSteps: 20));
        Assert.Equal((300, 16, 2e-3, 20), (options.Steps, options.BatchSize, options.LearningRate, options.WarmupSteps));
        Assert.Equal(new LearningRateSchedule(2e-3, 20, 300), options.LearningRateSchedule);
    }
}
