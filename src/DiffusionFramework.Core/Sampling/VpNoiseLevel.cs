using DiffusionFramework.Core.Schedules;

namespace DiffusionFramework.Core.Sampling;

/// <summary>
/// A noise level of a variance-preserving process seen from its σ-space value σ = σ_t / α_t:
/// α_t = 1/√(σ² + 1), σ_t = σ·α_t and the half log-SNR λ_t = ln α_t - ln σ_t (Lu et al. 2022, DPM-Solver,
/// arXiv 2206.00927, sec. 3.1), in float32 as diffusers' <c>_sigma_to_alpha_sigma_t</c> computes them.
/// </summary>
/// <remarks>
/// diffusers takes the logs of these float32 values with torch's vectorised kernel (SLEEF, ≤ 1 ulp, not always
/// correctly rounded); <see cref="TorchFloat32.Log"/> reproduces it bit for bit.
/// </remarks>
/// <param name="Alpha">α_t.</param>
/// <param name="Sigma">σ_t.</param>
/// <param name="Lambda">λ_t (+∞ at σ = 0).</param>
internal readonly record struct VpNoiseLevel(float Alpha, float Sigma, float Lambda)
{
    /// <summary>The level of σ-space noise level <paramref name="sigma"/>.</summary>
    public static VpNoiseLevel FromSigma(float sigma)
    {
        float alpha = 1f / MathF.Sqrt(sigma * sigma + 1f);
        float sigmaT = sigma * alpha;
        return new VpNoiseLevel(alpha, sigmaT, TorchFloat32.Log(alpha) - TorchFloat32.Log(sigmaT));
    }
}
