using DiffusionFramework.Abstractions;
using TorchSharp;

namespace DiffusionFramework.Core.Sampling;

/// <summary>
/// The σ-space arithmetic that the k-diffusion samplers share (Karras et al. 2022, "Elucidating the Design Space of
/// Diffusion-Based Generative Models", arXiv 2206.00364; Katherine Crowson's k-diffusion), with σ and every scalar
/// coefficient in float32 as diffusers' discrete schedulers compute them.
/// </summary>
/// <remarks>
/// A float32 scalar multiplies a tensor at the tensor's precision, as diffusers' 0-dim float32 σ tensors do.
/// Notation: x is the noisy sample, D(x; σ) the denoised sample (diffusers' <c>pred_original_sample</c>), d the ODE
/// derivative dx/dσ.
/// </remarks>
internal static class KarrasMath
{
    /// <summary>
    /// D(x; σ) from a model output: x - σ ε for ε-prediction; -σ/√(σ²+1) v + x/(σ²+1) for v-prediction (the c_out
    /// and c_skip of Karras et al. 2022, table 1, with σ_data = 1); the output itself for x0-prediction.
    /// </summary>
    public static torch.Tensor Denoised(PredictionType prediction, torch.Tensor modelOutput, torch.Tensor x,
        float sigma) => prediction switch
    {
        PredictionType.Epsilon => x - modelOutput * sigma,
        PredictionType.VPrediction => modelOutput * (-sigma / MathF.Sqrt(sigma * sigma + 1f)) + x / (sigma * sigma + 1f),
        PredictionType.Sample => modelOutput.alias(),
        _ => throw new ArgumentOutOfRangeException(nameof(prediction), prediction,
            "σ-space samplers step with epsilon, v_prediction or sample outputs."),
    };

    /// <summary>The probability-flow ODE derivative d = (x - D(x; σ)) / σ (Karras et al. 2022, eq. 3 with s = 1;
    /// k-diffusion's <c>to_d</c>).</summary>
    public static torch.Tensor ToD(torch.Tensor x, torch.Tensor denoised, float sigma) => (x - denoised) / sigma;

    /// <summary>The model input x / √(σ² + 1): c_in of Karras et al. 2022, table 1, for a variance-preserving model
    /// (diffusers' <c>scale_model_input</c>, √ in float32).</summary>
    public static torch.Tensor ScaleInput(torch.Tensor x, float sigma) => x / MathF.Sqrt(sigma * sigma + 1f);

    /// <summary>
    /// Splits a step from σ_from to σ_to into a deterministic step to σ_down and fresh noise of standard deviation
    /// σ_up, with σ_down² + σ_up² = σ_to² (k-diffusion's <c>get_ancestral_step</c> with η = 1):
    /// σ_up = √(σ_to² (σ_from² - σ_to²) / σ_from²), σ_down = √(σ_to² - σ_up²).
    /// </summary>
    public static (float Down, float Up) AncestralStep(float sigmaFrom, float sigmaTo)
    {
        float to2 = sigmaTo * sigmaTo;
        float from2 = sigmaFrom * sigmaFrom;
        float up = MathF.Sqrt(to2 * (from2 - to2) / from2);
        return (MathF.Sqrt(to2 - up * up), up);
    }
}
