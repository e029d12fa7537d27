using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Noise;
using DiffusionFramework.Core.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionFramework.Tests.Training;

/// <summary>The training loop: its objective, reports, checkpoints, condition dropout, learning and memory.</summary>
public sealed class TrainerTests : IDisposable
{
    private readonly string _root = TrainerSetup.TempFolder();

    public void Dispose()
    {
        if (Directory.Exists(_root))
            Directory.Delete(_root, recursive: true);
    }

    private static (Trainer Trainer, TinyDenoiser Net) Create(TrainerOptions options,
        PredictionType predictionType = PredictionType.Epsilon, BlobDataset? data = null)
    {
        var net = new TinyDenoiser(predictionType, TrainerSetup.NumTrainTimesteps, initSeed: 1);
        return (new Trainer(net, data ?? new BlobDataset(), GaussianNoiseSampler.Instance, TrainerSetup.Scheduler(), options), net);
    }

    [Fact]
    public void FirstLossIsTheMinSnrWeightedVObjectiveOfTheSeededDraws()
    {
        const int batch = 16;
        var options = new TrainerOptions { Steps = 1, BatchSize = batch, Seed = 11, EmaDecay = null, LossWeighting = LossWeighting.MinSnr, MinSnrGamma = 5 };
        var data = new BlobDataset();
        var (trainer, net) = Create(options, PredictionType.VPrediction, data);
        using var _ = net;
        using var __ = trainer;
        using var scope = NewDisposeScope();

        // The same draws, in the trainer's documented order: indices, timesteps, noise.
        using var generator = new Generator(11);
        long[] index = randint(0, data.Count, [batch], dtype: int64, generator: generator).data<long>().ToArray();
        long[] t = randint(0, TrainerSetup.NumTrainTimesteps, [batch], dtype: int64, generator: generator).data<long>().ToArray();
        float[] eps = randn([batch, 2], generator: generator).data<float>().ToArray();
        float[] points = data.Points.data<float>().ToArray();
        var abar = trainer.Schedule.AlphasCumprod;

        // x_t = √ᾱ x0 + √(1-ᾱ) ε and v = √ᾱ ε - √(1-ᾱ) x0 (Salimans and Ho 2022), in double.
        var x0 = new double[batch * 2];
        var xt = new float[batch * 2];
        for (int i = 0; i < batch; i++)
            for (int j = 0; j < 2; j++)
            {
                x0[2 * i + j] = points[2 * index[i] + j];
                xt[2 * i + j] = (float)(Math.Sqrt(abar[(int)t[i]]) * x0[2 * i + j] + Math.Sqrt(1 - abar[(int)t[i]]) * eps[2 * i + j]);
            }
        float[] prediction;
        using (no_grad())
            prediction = net.Forward(tensor(xt).reshape(batch, 2), tensor(t).to(float32),
                new Conditioning { ClassLabels = tensor(index).remainder(2) }).data<float>().ToArray();

        double expected = 0;
        for (int i = 0; i < batch; i++)
        {
            double a = abar[(int)t[i]], snr = a / (1 - a), weight = Math.Min(snr, 5) / (snr + 1), mse = 0;
            for (int j = 0; j < 2; j++)
            {
                double v = Math.Sqrt(a) * eps[2 * i + j] - Math.Sqrt(1 - a) * x0[2 * i + j];
                mse += Math.Pow(prediction[2 * i + j] - v, 2) / 2;
            }
            expected += weight * mse / batch;
        }

        var report = trainer.Train();
        Assert.NotNull(report);
        Assert.Equal(expected, report.Loss, expected * 1e-4);
    }

    [Fact]
    public void ReportsEveryStepAndKeepsTheLastCheckpoints()
    {
        var options = new TrainerOptions
        {
            Steps = 12, BatchSize = 8, LearningRate = 1e-3, WarmupSteps = 4, CheckpointEvery = 4, KeepLastCheckpoints = 2,
            CheckpointDirectory = _root,
        };
        var (trainer, net) = Create(options);
        using var _ = net;
        using var __ = trainer;
        var progress = new RecordingProgress();
        var last = trainer.Train(progress);

        Assert.Equal(Enumerable.Range(1, 12).Select(s => (long)s), progress.Reports.Select(r => r.Step));
        for (int s = 0; s < 12; s++)
            Assert.Equal(options.LearningRateSchedule.At(s), progress.Reports[s].LearningRate);
        Assert.Equal(0.0, progress.Reports[0].LearningRate); // diffusers' warm-up starts at 0
        Assert.All(progress.Reports, r => Assert.True(double.IsFinite(r.Loss) && r.Loss > 0 && r.GradientNorm > 0 && r.TotalSteps == 12));
        Assert.Equal(new[] { 4L, 8, 12 }, progress.Reports.Where(r => r.CheckpointPath is not null).Select(r => r.Step));
        Assert.Equal(new[] { "checkpoint-12", "checkpoint-8" },
            Directory.GetDirectories(_root).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(Trainer.LatestCheckpoint(_root), last!.CheckpointPath);
        Assert.Null(trainer.Train()); // already complete
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(0.5)]
    public void ConditionDropoutSplitsTheBatch(double probability)
    {
        var options = new TrainerOptions { Steps = 40, BatchSize = 16, ConditionDropProbability = probability, EmaDecay = null };
        var (trainer, net) = Create(options);
        using var _ = net;
        using var __ = trainer;
        trainer.Train();

        Assert.All(net.Calls, c => Assert.True(c.Labels is { Length: > 0 } && c.Labels.Length == c.Size));
        Assert.Equal(40 * 16, net.Calls.Sum(c => c.Size));
        double dropped = net.Calls.Where(c => c.Dropped).Sum(c => c.Size) / (40.0 * 16);
        Assert.InRange(dropped, probability - 0.1, probability + 0.1);
        if (probability is 0 or 1)
            Assert.Equal(40, net.Calls.Count); // one call per step when nothing is split
    }

    [Fact]
    public void LossDecreasesOnTwoBlobs()
    {
        var options = new TrainerOptions { Steps = 200, BatchSize = 64, LearningRate = 1e-2, WarmupSteps = 20, EmaDecay = null };
        var (trainer, net) = Create(options);
        using var _ = net;
        using var __ = trainer;
        var progress = new RecordingProgress();
        trainer.Train(progress);
        double first = progress.Reports.Take(20).Average(r => r.Loss);
        double last = progress.Reports.TakeLast(50).Average(r => r.Loss);
        Assert.True(last < 0.7 * first, $"loss went from {first:F4} (first 20 steps) to {last:F4} (last 50)");
    }

    [Fact]
    public void FiveHundredStepsLeaveTheLiveTensorCountFlat()
    {
        var options = new TrainerOptions
        {
            Steps = 500, BatchSize = 16, ConditionDropProbability = 0.3, LossWeighting = LossWeighting.MinSnr,
            CheckpointEvery = 100, KeepLastCheckpoints = 1, CheckpointDirectory = _root,
        };
        var (trainer, net) = Create(options);
        using var _ = net;
        using var __ = trainer;
        var live = new List<long>();
        trainer.Train(new RecordingProgress(p => { if (p.Progress.Step >= 10) live.Add(p.LiveTensors); }));
        Assert.Equal(491, live.Count);
        Assert.True(live.Max() == live.Min(), $"live tensors drifted from {live[0]} to {live[^1]} (min {live.Min()}, max {live.Max()})");
    }

    [Fact]
    public void BadSetupIsRejectedWithItsName()
    {
        using var net = new TinyDenoiser(PredictionType.Epsilon, TrainerSetup.NumTrainTimesteps, 1);
        var error = Assert.Throws<ArgumentException>(() =>
            new Trainer(net, new BlobDataset(count: 0), GaussianNoiseSampler.Instance, TrainerSetup.Scheduler(), new TrainerOptions()));
        Assert.Contains("two blobs", error.Message);
        error = Assert.Throws<ArgumentException>(() =>
            new Trainer(net, new BlobDataset(), GaussianNoiseSampler.Instance, TrainerSetup.Scheduler(), new TrainerOptions { Device = "tpu" }));
        Assert.Contains("tpu", error.Message);
        error = Assert.Throws<ArgumentException>(() =>
            new Trainer(net, new BlobDataset(), GaussianNoiseSampler.Instance, TrainerSetup.Scheduler(), new TrainerOptions { BatchSize = 0 }));
        Assert.Equal("BatchSize", error.ParamName);
    }
}
