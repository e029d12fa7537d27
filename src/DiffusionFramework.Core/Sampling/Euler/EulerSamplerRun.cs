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
internal sealed class EulerSamplerRun(SigmaSchedule grid, PredictionType prediction)
    : SigmaGridRun(grid, prediction, order: 1)
{
    protected override SamplerStepResult StepCore(torch.Tensor modelOutput, int stepIndex, torch.Tensor sample,
        StepNoise noise)
    {
        float sigma = Grid.Sigmas[stepIndex];
        torch.Tensor x = sample.to(torch.ScalarType.Float32);

        // 1. Denoised D(x; σ) from the model output.
        torch.Tensor denoised = KarrasMath.Denoised(Prediction, modelOutput, x, sigma);

        // 2. ODE derivative d = (x - D) / σ and the Euler step to σ_{i+1}.
        torch.Tensor derivative = KarrasMath.ToD(x, denoised, sigma);
        float dt = Grid.Sigmas[stepIndex + 1] - sigma;
        return new SamplerStepResult((x + derivative * dt).to(modelOutput.dtype), denoised);
    }
}
