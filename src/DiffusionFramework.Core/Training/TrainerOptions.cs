using System.Text.Json;
using System.Text.Json.Serialization;
using DiffusionFramework.Abstractions;

namespace DiffusionFramework.Core.Training;

/// <summary>
/// Everything that decides a training run. Immutable; with the same options, data, network and schedule a run is
/// reproducible bit for bit on CPU, also across a checkpoint and resume.
/// </summary>
/// <remarks>Defaults follow diffusers' training scripts and torch.optim.AdamW.</remarks>
public sealed record TrainerOptions
{
    /// <summary>Optimiser steps of the whole run.</summary>
    public int Steps { get; init; } = 1000;

    /// <summary>Samples per step.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Peak AdamW learning rate (reached at the end of the warm-up).</summary>
    public double LearningRate { get; init; } = 1e-4;

    /// <summary>Steps of linear learning-rate warm-up.</summary>
    public int WarmupSteps { get; init; }

    /// <summary>What the learning rate does after the warm-up.</summary>
    public LearningRateDecay LearningRateDecay { get; init; } = LearningRateDecay.Cosine;

    /// <summary>The floor of the cosine decay.</summary>
    public double MinLearningRate { get; init; }

    /// <summary>AdamW's decoupled weight decay λ (Loshchilov and Hutter 2019, arXiv 1711.05101).</summary>
    public double WeightDecay { get; init; } = 1e-2;

    /// <summary>AdamW β1.</summary>
    public double AdamBeta1 { get; init; } = 0.9;

    /// <summary>AdamW β2.</summary>
    public double AdamBeta2 { get; init; } = 0.999;

    /// <summary>AdamW ε.</summary>
    public double AdamEpsilon { get; init; } = 1e-8;

    /// <summary>Maximum total gradient 2-norm (gradients are rescaled above it), or null for no clipping.</summary>
    public double? GradientClipNorm { get; init; } = 1.0;

    /// <summary>Decay of the exponential moving average of the weights, or null to keep no average.</summary>
    public double? EmaDecay { get; init; } = 0.9999;

    /// <summary>How the EMA decay grows during the first updates.</summary>
    public EmaWarmup EmaWarmup { get; init; } = EmaWarmup.Ratio;

    /// <summary>Write a checkpoint every this many steps (0: only after the last step). Needs <see cref="CheckpointDirectory"/>.</summary>
    public int CheckpointEvery { get; init; }

    /// <summary>Folder that receives <c>checkpoint-&lt;step&gt;</c> sub-folders, or null to write none.</summary>
    public string? CheckpointDirectory { get; init; }

    /// <summary>How many of this run's most recent checkpoints to keep (null: all).</summary>
    public int? KeepLastCheckpoints { get; init; }

    /// <summary>Seed of the run's generator (batches, timesteps, noise, condition dropout).</summary>
    public long Seed { get; init; }

    /// <summary>The torch device the run trains on ("cpu", "cuda", "cuda:1").</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>How the per-sample losses are weighted by timestep.</summary>
    public LossWeighting LossWeighting { get; init; } = LossWeighting.Uniform;

    /// <summary>γ of <see cref="LossWeighting.MinSnr"/> (5 in the paper).</summary>
    public double MinSnrGamma { get; init; } = 5.0;

    /// <summary>How a flow-matching model's training noise levels are drawn (only
    /// <see cref="PredictionType.Flow"/> models; others refuse anything but <see cref="FlowSigmaDensity.Uniform"/>).</summary>
    public FlowSigmaDensity FlowSigmaDensity { get; init; } = FlowSigmaDensity.Uniform;

    /// <summary>Mean of the logit-normal density (diffusers' <c>logit_mean</c>, default 0).</summary>
    public double FlowLogitMean { get; init; }

    /// <summary>Standard deviation of the logit-normal density (diffusers' <c>logit_std</c>, default 1).</summary>
    public double FlowLogitStd { get; init; } = 1.0;

    /// <summary>
    /// Probability that a sample is trained unconditionally (its condition dropped), so that the one network also
    /// learns the null branch of classifier-free guidance (Ho and Salimans 2022, arXiv 2207.12598, Algorithm 1).
    /// </summary>
    public double ConditionDropProbability { get; init; }

    /// <summary>The modality's suggested steps, batch size, learning rate and warm-up, other fields at their defaults.</summary>
    public static TrainerOptions FromDefaults(TrainingDefaults defaults)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        return new TrainerOptions
        {
            Steps = defaults.Steps,
            BatchSize = defaults.BatchSize,
            LearningRate = defaults.LearningRate,
            WarmupSteps = defaults.WarmupSteps,
        };
    }

    /// <summary>The learning rate of every step.</summary>
    [JsonIgnore]
    public LearningRateSchedule LearningRateSchedule =>
        new(LearningRate, WarmupSteps, Steps, LearningRateDecay, MinLearningRate);

    /// <summary>Throws when a field is out of range; the message names the field and the valid range.</summary>
    /// <exception cref="ArgumentException">A field is out of range.</exception>
    public void Validate()
    {
        Require(Steps >= 1, nameof(Steps), Steps, "≥ 1");
        Require(BatchSize >= 1, nameof(BatchSize), BatchSize, "≥ 1");
        Require(LearningRate is >= 0 and < double.PositiveInfinity, nameof(LearningRate), LearningRate, "finite and ≥ 0");
        Require(WarmupSteps >= 0, nameof(WarmupSteps), WarmupSteps, "≥ 0");
        Require(MinLearningRate >= 0 && MinLearningRate <= LearningRate, nameof(MinLearningRate), MinLearningRate, "in [0, LearningRate]");
        Require(WeightDecay is >= 0 and < double.PositiveInfinity, nameof(WeightDecay), WeightDecay, "finite and ≥ 0");
        Require(AdamBeta1 is >= 0 and < 1, nameof(AdamBeta1), AdamBeta1, "in [0, 1)");
        Require(AdamBeta2 is >= 0 and < 1, nameof(AdamBeta2), AdamBeta2, "in [0, 1)");
        Require(AdamEpsilon is >= 0 and < double.PositiveInfinity, nameof(AdamEpsilon), AdamEpsilon, "finite and ≥ 0");
        Require(GradientClipNorm is null or > 0 and < double.PositiveInfinity, nameof(GradientClipNorm), GradientClipNorm, "null or finite and > 0");
        Require(EmaDecay is null or >= 0 and <= 1, nameof(EmaDecay), EmaDecay, "null or in [0, 1]");
        Require(CheckpointEvery >= 0, nameof(CheckpointEvery), CheckpointEvery, "≥ 0");
        Require(KeepLastCheckpoints is null or >= 1, nameof(KeepLastCheckpoints), KeepLastCheckpoints, "null or ≥ 1");
        Require(MinSnrGamma is > 0 and < double.PositiveInfinity, nameof(MinSnrGamma), MinSnrGamma, "finite and > 0");
        Require(ConditionDropProbability is >= 0 and <= 1, nameof(ConditionDropProbability), ConditionDropProbability, "in [0, 1]");
        Require(Enum.IsDefined(LearningRateDecay), nameof(LearningRateDecay), LearningRateDecay, Names<LearningRateDecay>());
        Require(Enum.IsDefined(EmaWarmup), nameof(EmaWarmup), EmaWarmup, Names<EmaWarmup>());
        Require(Enum.IsDefined(LossWeighting), nameof(LossWeighting), LossWeighting, Names<LossWeighting>());
        Require(Enum.IsDefined(FlowSigmaDensity), nameof(FlowSigmaDensity), FlowSigmaDensity, Names<FlowSigmaDensity>());
        Require(double.IsFinite(FlowLogitMean), nameof(FlowLogitMean), FlowLogitMean, "finite");
        Require(FlowLogitStd is > 0 and < double.PositiveInfinity, nameof(FlowLogitStd), FlowLogitStd, "finite and > 0");
        Require(!string.IsNullOrWhiteSpace(Device), nameof(Device), Device, "a torch device such as \"cpu\" or \"cuda:0\"");
    }

    /// <summary>The options as JSON (camel-case keys, enums as names).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads options written by <see cref="ToJson"/>; absent keys keep their defaults.</summary>
    /// <exception cref="ArgumentException">The JSON is malformed or names an unknown enum value.</exception>
    public static TrainerOptions FromJson(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<TrainerOptions>(json, Json)
                   ?? throw new ArgumentException("trainer options: the JSON is null", nameof(json));
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"trainer options: {e.Message}", nameof(json), e);
        }
    }

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(allowIntegerValues: false) },
    };

    private static string Names<T>() where T : struct, Enum => "one of " + string.Join(", ", Enum.GetNames<T>());

    private static void Require(bool ok, string name, object? value, string valid)
    {
        if (!ok)
            throw new ArgumentException($"trainer options: {name} = {value ?? "null"} is invalid; it must be {valid}", name);
    }
}
