using DiffusionFramework.Abstractions;
using TorchSharp;

namespace DiffusionFramework.Core.Sampling;

/// <summary>
/// One run of <see cref="EulerAncestralSampler"/>: with (σ_down, σ_up) = <see cref="KarrasMath.AncestralStep"/>
/// (σ_i, σ_{i+1}), x_{i+1} = x_i + (σ_down - σ_i) · d_i + σ_up · z, d_i = (x_i - D(x_i; σ_i)) / σ_i, z ~ N(0, I).
/// </summary>
/// <remarks>
/// As in diffusers, the sample is cast to float32 before the update (the model output keeps its dtype, so the update
/// runs at the wider of the two), the noise has the model output's dtype, and the result is cast back to it; σ,
/// σ_up and σ_down are float32.
/// </remarks>
internal sealed class EulerAncestralSamplerRun(SigmaSchedule grid, PredictionType prediction)
    : SigmaGridRun(grid, prediction, order: 1)
{
    protected override SamplerStepResult StepCore(torch.Tensor modelOutput, int stepIndex, torch.Tensor sample,
        StepNoise noise)
    {
        float sigma = Grid.Sigmas[stepIndex];
        torch.Tensor x = sample.to(torch.ScalarType.Float32);

        // 1. Denoised D(x; σ_i) and the noise split of the step to σ_{i+1}.
        torch.Tensor denoised = KarrasMath.Denoised(Prediction, modelOutput, x, sigma);
        (float sigmaDown, float sigmaUp) = KarrasMath.AncestralStep(sigma, Grid.Sigmas[stepIndex + 1]);

        // 2. Euler step of the ODE to σ_down.
        torch.Tensor derivative = KarrasMath.ToD(x, denoised, sigma);
        torch.Tensor prev = x + derivative * (sigmaDown - sigma);

        // 3. Fresh noise up to σ_{i+1}.
        prev = prev + noise.Draw(modelOutput) * sigmaUp;
        return new SamplerStepResult(prev.to(modelOutput.dtype), denoised);
    }
}
