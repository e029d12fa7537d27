using DiffusionFramework.Abstractions;
using TorchSharp;

namespace DiffusionFramework.Core.Sampling;

/// <summary>
/// One run of <see cref="EulerSampler"/>: x_{i+1} = x_i + (σ_{i+1} - σ_i) · d_i with d_i = (x_i - D(x_i; σ_i)) / σ_i
/// (Karras et al. 2022, Algorithm 2, lines 5-8, S_churn = 0).
/// </summary>
/// <remarks>
/// As in diffusers, the sample is cast to float32 before the update and the result back to the model output's
/// dtype; σ and the scalar coefficients are float32.
/// </remarks>
internal sealed class EulerSamplerRun : ISigmaSpaceRun
{
    private readonly SigmaSchedule _grid;
    private readonly PredictionType _prediction;

    public EulerSamplerRun(SigmaSchedule grid, PredictionType prediction)
    {
        _grid = grid;
        _prediction = prediction;
        Timesteps = Array.AsReadOnly(grid.Timesteps);
        Sigmas = Array.AsReadOnly(grid.Sigmas);
    }

    public IReadOnlyList<double> Timesteps { get; }

    public IReadOnlyList<float> Sigmas { get; }

    public int Order => 1;

    public double InitNoiseSigma => _grid.InitNoiseSigma;

    /// <summary>x / √(σ_i² + 1): the c_in of Karras et al. 2022, table 1, for a variance-preserving model.</summary>
    public torch.Tensor ScaleModelInput(torch.Tensor sample, int stepIndex)
    {
        ArgumentNullException.ThrowIfNull(sample);
        float sigma = Sigma(stepIndex);
        return sample / MathF.Sqrt(sigma * sigma + 1f);
    }

    public SamplerStepResult Step(torch.Tensor modelOutput, int stepIndex, torch.Tensor sample, StepNoise noise)
    {
        ArgumentNullException.ThrowIfNull(modelOutput);
        ArgumentNullException.ThrowIfNull(sample);
        using var scope = torch.NewDisposeScope();
        float sigma = Sigma(stepIndex);
        torch.Tensor x = sample.to(torch.ScalarType.Float32);

        // 1. Denoised D(x; σ) from the model output.
        torch.Tensor denoised = _prediction switch
        {
            PredictionType.Epsilon => x - modelOutput * sigma,
            PredictionType.VPrediction => modelOutput * (-sigma / MathF.Sqrt(sigma * sigma + 1f)) + x / (sigma * sigma + 1f),
            _ => modelOutput.alias(),
        };

        // 2. ODE derivative d = (x - D) / σ and the Euler step to σ_{i+1}.
        torch.Tensor derivative = (x - denoised) / sigma;
        float dt = _grid.Sigmas[stepIndex + 1] - sigma;
        torch.Tensor prevSample = (x + derivative * dt).to(modelOutput.dtype);
        return new SamplerStepResult(prevSample.MoveToOuterDisposeScope(), denoised.MoveToOuterDisposeScope());
    }

    public void Dispose()
    {
    }

    private float Sigma(int stepIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(stepIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(stepIndex, _grid.Timesteps.Length);
        return _grid.Sigmas[stepIndex];
    }
}
