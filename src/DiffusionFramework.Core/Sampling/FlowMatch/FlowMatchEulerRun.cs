using DiffusionFramework.Core.Diffusion;
using TorchSharp;

namespace DiffusionFramework.Core.Sampling;

/// <summary>
/// One run of <see cref="FlowMatchEulerSampler"/>: x_{i+1} = x_i + (σ_{i+1} - σ_i) v_i, or with stochastic sampling
/// x_{i+1} = (1 - σ_{i+1}) x̂0 + σ_{i+1} ε with x̂0 = x_i - σ_i v_i. The sample is cast to float32 before the update
/// and the result to the model output's dtype, as in diffusers; σ is float32.
/// </summary>
internal sealed class FlowMatchEulerRun(SigmaSchedule grid, bool stochastic) : ISigmaSpaceRun
{
    /// <inheritdoc />
    public IReadOnlyList<double> Timesteps { get; } = Array.AsReadOnly(grid.Timesteps);

    /// <inheritdoc />
    public IReadOnlyList<float> Sigmas { get; } = Array.AsReadOnly(grid.Sigmas);

    /// <inheritdoc />
    public int Order => 1;

    /// <inheritdoc />
    public double InitNoiseSigma => grid.InitNoiseSigma;

    /// <summary>The run keeps no state between steps (RePaint may go back up).</summary>
    public bool CanRevisitSteps => true;

    /// <summary>The sample itself (a new tensor): flow models take x unscaled.</summary>
    public torch.Tensor ScaleModelInput(torch.Tensor sample, int stepIndex)
    {
        ArgumentNullException.ThrowIfNull(sample);
        CheckIndex(stepIndex, Timesteps.Count - 1);
        return sample.alias();
    }

    /// <inheritdoc />
    public SamplerStepResult Step(torch.Tensor modelOutput, int stepIndex, torch.Tensor sample, StepNoise noise)
    {
        ArgumentNullException.ThrowIfNull(modelOutput);
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(noise);
        CheckIndex(stepIndex, Timesteps.Count - 1);
        using var scope = torch.NewDisposeScope();
        float sigma = grid.Sigmas[stepIndex], next = grid.Sigmas[stepIndex + 1];
        torch.Tensor x = sample.to(torch.ScalarType.Float32);
        torch.Tensor original = x - modelOutput * sigma;
        torch.Tensor prev = stochastic
            ? original * (1f - next) + noise.Draw(x) * next
            : x + modelOutput * (next - sigma);
        return new SamplerStepResult(prev.to(modelOutput.dtype).MoveToOuterDisposeScope(),
            original.MoveToOuterDisposeScope());
    }

    /// <summary>The marginal of the flow path at step <paramref name="stepIndex"/>: α = 1 - σ, σ.</summary>
    public NoiseLevel NoiseLevelAt(int stepIndex)
    {
        CheckIndex(stepIndex, Sigmas.Count - 1);
        float sigma = grid.Sigmas[stepIndex];
        return new NoiseLevel(1f - sigma, sigma);
    }

    /// <summary>diffusers' <c>scale_noise</c>: σ ε + (1 - σ) x0 with σ at <paramref name="original"/>'s precision.</summary>
    public torch.Tensor AddNoise(torch.Tensor original, torch.Tensor noise, int stepIndex)
    {
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(noise);
        CheckIndex(stepIndex, Sigmas.Count - 1);
        using var scope = torch.NewDisposeScope();
        torch.Tensor sigma = torch.tensor(grid.Sigmas[stepIndex], dtype: original.dtype, device: original.device);
        return FlowMatchPath.AddNoise(original, noise, sigma).MoveToOuterDisposeScope();
    }

    /// <summary>Holds no tensors.</summary>
    public void Dispose()
    {
    }

    private static void CheckIndex(int stepIndex, int last)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(stepIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(stepIndex, last);
    }
}
