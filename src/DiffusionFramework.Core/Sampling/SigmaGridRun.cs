using DiffusionFramework.Abstractions;
using TorchSharp;

namespace DiffusionFramework.Core.Sampling;

/// <summary>
/// What the runs of diffusers' k-diffusion ports (Euler, Euler ancestral, Heun, KDPM2, LMS, EDM Euler) share: the
/// <see cref="SigmaSchedule"/> grid, the prediction type, the model input (x / √(σ² + 1) unless the run scales it
/// otherwise), argument checks and a dispose scope around every step.
/// </summary>
internal abstract class SigmaGridRun : ISigmaSpaceRun
{
    protected SigmaGridRun(SigmaSchedule grid, PredictionType prediction, int order)
    {
        Grid = grid;
        Prediction = prediction;
        Order = order;
        Timesteps = Array.AsReadOnly(grid.Timesteps);
        Sigmas = Array.AsReadOnly(grid.Sigmas);
    }

    /// <inheritdoc />
    public IReadOnlyList<double> Timesteps { get; }

    /// <inheritdoc />
    public IReadOnlyList<float> Sigmas { get; }

    /// <inheritdoc />
    public int Order { get; }

    /// <inheritdoc />
    public double InitNoiseSigma => Grid.InitNoiseSigma;

    protected SigmaSchedule Grid { get; }

    protected PredictionType Prediction { get; }

    /// <summary>The model input of the step: <see cref="ScaleInput"/> after the argument checks.</summary>
    public torch.Tensor ScaleModelInput(torch.Tensor sample, int stepIndex)
    {
        ArgumentNullException.ThrowIfNull(sample);
        CheckIndex(stepIndex);
        return ScaleInput(sample, stepIndex);
    }

    /// <inheritdoc />
    public SamplerStepResult Step(torch.Tensor modelOutput, int stepIndex, torch.Tensor sample, StepNoise noise)
    {
        ArgumentNullException.ThrowIfNull(modelOutput);
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(noise);
        CheckIndex(stepIndex);
        using var scope = torch.NewDisposeScope();
        SamplerStepResult result = StepCore(modelOutput, stepIndex, sample, noise);
        return new SamplerStepResult(result.PrevSample.MoveToOuterDisposeScope(),
            result.PredOriginalSample?.MoveToOuterDisposeScope());
    }

    /// <summary>Releases tensors kept between steps.</summary>
    public virtual void Dispose()
    {
    }

    /// <summary>The model input (default: x / √(σ² + 1) with σ = <see cref="InputSigma"/> of the step).</summary>
    protected virtual torch.Tensor ScaleInput(torch.Tensor sample, int stepIndex) =>
        KarrasMath.ScaleInput(sample, InputSigma(stepIndex));

    /// <summary>The σ the model sees at <paramref name="stepIndex"/> (default: <c>Sigmas[stepIndex]</c>).</summary>
    protected virtual float InputSigma(int stepIndex) => Grid.Sigmas[stepIndex];

    /// <summary>The algorithm's update; tensors it creates are disposed unless returned.</summary>
    protected abstract SamplerStepResult StepCore(torch.Tensor modelOutput, int stepIndex, torch.Tensor sample,
        StepNoise noise);

    /// <summary>Keeps <paramref name="tensor"/> alive beyond the step's dispose scope (dispose it yourself).</summary>
    protected static torch.Tensor Keep(torch.Tensor tensor) => tensor.alias().DetachFromDisposeScope();

    private void CheckIndex(int stepIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(stepIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(stepIndex, Grid.Timesteps.Length);
    }
}
