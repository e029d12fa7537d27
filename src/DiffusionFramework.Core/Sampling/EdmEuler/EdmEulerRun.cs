using TorchSharp;

namespace DiffusionFramework.Core.Sampling;

/// <summary>
/// One run of <see cref="EdmEulerSampler"/>: optional churn to σ̂ = σ_i (γ + 1), D = D(x̂; σ̂) from the
/// preconditioned model output, then x_{i+1} = x̂ + (σ_{i+1} - σ̂) (x̂ - D) / σ̂ (Karras et al. 2022, Algorithm 2,
/// lines 4-8 without the second-order correction).
/// </summary>
/// <remarks>
/// As in diffusers, the sample is cast to float32 before the update and the result back to the model output's
/// dtype; σ and the coefficients are float32; churn noise is drawn like the model output.
/// </remarks>
internal sealed class EdmEulerRun(SigmaSchedule grid, EdmPreconditioning preconditioning, ChurnSettings churn)
    : SigmaGridRun(grid, preconditioning.Prediction, order: 1), ISamplerRun
{
    /// <summary>The run keeps no state between steps (RePaint may go back up).</summary>
    public bool CanRevisitSteps => true;

    /// <summary>c_in·x = x / √(σ² + σ_data²).</summary>
    protected override torch.Tensor ScaleInput(torch.Tensor sample, int stepIndex) =>
        sample * preconditioning.InputScale(Grid.Sigmas[stepIndex]);

    protected override SamplerStepResult StepCore(torch.Tensor modelOutput, int stepIndex, torch.Tensor sample,
        StepNoise noise)
    {
        float sigma = Grid.Sigmas[stepIndex];
        torch.Tensor x = sample.to(torch.ScalarType.Float32);

        // 1. Churn: lift x from σ to σ̂ with fresh noise (Algorithm 2, lines 4-6).
        double gamma = churn.Gamma(sigma, Grid.Timesteps.Length);
        float sigmaHat = sigma * (float)(gamma + 1);
        if (gamma > 0)
        {
            float lift = MathF.Sqrt(sigmaHat * sigmaHat - sigma * sigma);
            x = x + noise.Draw(modelOutput) * churn.Noise * lift;
        }

        // 2. Denoised D(x̂; σ̂), the ODE derivative and the Euler step to σ_{i+1} (lines 7-8).
        torch.Tensor denoised = preconditioning.Denoised(x, modelOutput, sigmaHat);
        torch.Tensor derivative = (x - denoised) / sigmaHat;
        float dt = Grid.Sigmas[stepIndex + 1] - sigmaHat;
        return new SamplerStepResult((x + derivative * dt).to(modelOutput.dtype), denoised);
    }
}
