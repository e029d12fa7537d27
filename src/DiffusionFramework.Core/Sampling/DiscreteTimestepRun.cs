using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Schedules;
using TorchSharp;

namespace DiffusionFramework.Core.Sampling;

/// <summary>
/// What the DDPM-family runs share: a <see cref="NoiseSchedule"/>, integer timesteps from
/// <see cref="TimestepSpacing"/>, the prediction type, the x0 limits, unit initial noise and an identity model-input
/// scaling.
/// </summary>
internal abstract class DiscreteTimestepRun : ISamplerRun
{
    protected DiscreteTimestepRun(SchedulerConfig config, int numInferenceSteps, bool defaultClipSample)
    {
        ArgumentNullException.ThrowIfNull(config);
        SamplerGuards.RequireSteps(numInferenceSteps);
        PredictionType = PredictionTypes.Parse(config.PredictionType ?? "epsilon");
        Schedule = NoiseSchedule.FromConfig(config);
        SamplerGuards.RequireSteps(numInferenceSteps, Schedule.NumTrainTimesteps);
        Limits = SampleLimits.FromConfig(config, defaultClipSample);
        IntTimesteps = TimestepSpacing.Compute(config.TimestepSpacing ?? "leading", Schedule.NumTrainTimesteps,
            numInferenceSteps, config.StepsOffset ?? 0);
        foreach (long t in IntTimesteps)
        {
            if (t < 0 || t >= Schedule.NumTrainTimesteps)
            {
                throw new ArgumentException(
                    $"scheduler config: steps_offset {config.StepsOffset} moves timestep {t} outside 0 .. {Schedule.NumTrainTimesteps - 1}.",
                    nameof(config));
            }
        }

        Timesteps = Array.ConvertAll(IntTimesteps, t => (double)t);
    }

    /// <inheritdoc />
    public IReadOnlyList<double> Timesteps { get; }

    /// <inheritdoc />
    public int Order => 1;

    /// <inheritdoc />
    public double InitNoiseSigma => 1.0;

    protected NoiseSchedule Schedule { get; }

    protected long[] IntTimesteps { get; }

    protected PredictionType PredictionType { get; }

    protected SampleLimits Limits { get; }

    /// <inheritdoc />
    public torch.Tensor ScaleModelInput(torch.Tensor sample, int stepIndex) => sample.alias();

    /// <inheritdoc />
    public SamplerStepResult Step(torch.Tensor modelOutput, int stepIndex, torch.Tensor sample, StepNoise noise)
    {
        ArgumentNullException.ThrowIfNull(modelOutput);
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(noise);
        ArgumentOutOfRangeException.ThrowIfNegative(stepIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(stepIndex, IntTimesteps.Length);
        using var scope = torch.NewDisposeScope();
        SamplerStepResult result = StepCore(modelOutput, stepIndex, sample, noise);
        return new SamplerStepResult(result.PrevSample.MoveToOuterDisposeScope(),
            result.PredOriginalSample?.MoveToOuterDisposeScope());
    }

    /// <summary>alphā of step i (its timestep's), or <see cref="FinalAlphaCumprod"/> after the last step.</summary>
    public NoiseLevel NoiseLevelAt(int stepIndex) =>
        TimestepNoiseLevels.At(Schedule, IntTimesteps, FinalAlphaCumprod, stepIndex);

    /// <inheritdoc cref="TimestepNoiseLevels.AddNoise" />
    public torch.Tensor AddNoise(torch.Tensor original, torch.Tensor noise, int stepIndex) =>
        TimestepNoiseLevels.AddNoise(Schedule, IntTimesteps, FinalAlphaCumprod, original, noise, stepIndex);

    /// <inheritdoc cref="ISamplerRun.CanRevisitSteps" />
    public virtual bool CanRevisitSteps => false;

    /// <summary>alphā of the sample the last step returns (1 unless the sampler says otherwise).</summary>
    protected virtual float FinalAlphaCumprod => 1f;

    /// <summary>The algorithm's update; tensors it creates are disposed unless returned.</summary>
    protected abstract SamplerStepResult StepCore(torch.Tensor modelOutput, int stepIndex, torch.Tensor sample,
        StepNoise noise);

    /// <inheritdoc />
    public void Dispose()
    {
    }
}
