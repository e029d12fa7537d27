using DiffusionFramework.Abstractions;
using TorchSharp;

namespace DiffusionFramework.Core.Sampling;

/// <summary>
/// The preconditioning of Karras et al. 2022, "Elucidating the Design Space of Diffusion-Based Generative Models"
/// (arXiv 2206.00364), table 1 with the data standard deviation σ_data: c_in = 1/√(σ² + σ_data²),
/// c_skip = σ_data²/(σ² + σ_data²), c_out = ±σ σ_data/√(σ² + σ_data²) and c_noise = ln(σ)/4, so that
/// D(x; σ) = c_skip x + c_out F(c_in x; c_noise). Scalars in float32 as diffusers' <c>EDMEulerScheduler</c> computes
/// them from its float32 σ (σ_data² in double, then rounded; a reciprocal for c_in and c_skip).
/// </summary>
/// <param name="SigmaData">σ_data (diffusers' default 0.5).</param>
/// <param name="Prediction">ε-prediction (c_out &gt; 0) or v-prediction (c_out &lt; 0).</param>
internal readonly record struct EdmPreconditioning(double SigmaData, PredictionType Prediction)
{
    /// <summary>c_noise = ln(σ)/4 in float32 (torch's float32 log): the timestep the model sees.</summary>
    public static float NoiseCondition(float sigma) => 0.25f * Schedules.TorchFloat32.Log(sigma);

    /// <summary>c_in = 1/√(σ² + σ_data²).</summary>
    public float InputScale(float sigma) => 1f / MathF.Sqrt(Variance(sigma));

    /// <summary>D(x; σ) = c_skip x + c_out F: the skip term at x's precision, the output term at F's.</summary>
    public torch.Tensor Denoised(torch.Tensor x, torch.Tensor modelOutput, float sigma)
    {
        float variance = Variance(sigma);
        float skip = 1f / variance * (float)(SigmaData * SigmaData);
        float sign = Prediction == PredictionType.VPrediction ? -1f : 1f;
        float output = sign * sigma * (float)SigmaData / MathF.Sqrt(variance);
        return x * skip + modelOutput * output;
    }

    /// <summary>σ² + σ_data² in float32.</summary>
    private float Variance(float sigma) => sigma * sigma + (float)(SigmaData * SigmaData);
}
