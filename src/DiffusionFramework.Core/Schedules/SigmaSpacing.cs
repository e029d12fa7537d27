namespace DiffusionFramework.Core.Schedules;

/// <summary>
/// Spacings of the noise levels σ that samplers in σ-space step through, from the largest to the smallest. The
/// final σ (0 or σ_min) is not included: each sampler appends its own, as diffusers' <c>final_sigmas_type</c> says.
/// </summary>
/// <remarks>
/// Evaluated in float64 in the order k-diffusion and diffusers use (<c>get_sigmas_karras</c>,
/// <c>get_sigmas_exponential</c>; diffusers' <c>_convert_to_karras</c> and <c>_convert_to_exponential</c>), so the
/// values equal numpy's bit for bit.
/// </remarks>
public static class SigmaSpacing
{
    /// <summary>The ρ of Karras et al. (2022): 7.</summary>
    public const double DefaultRho = 7.0;

    /// <summary>
    /// Karras et al. 2022, "Elucidating the Design Space of Diffusion-Based Generative Models" (arXiv 2206.00364),
    /// eq. 5: σ_i = (σ_max^(1/ρ) + i/(n-1) · (σ_min^(1/ρ) - σ_max^(1/ρ)))^ρ for i = 0 .. n-1.
    /// </summary>
    /// <param name="n">Number of noise levels (at least 1; one level is σ_max).</param>
    /// <param name="sigmaMin">σ_min &gt; 0 (the last level).</param>
    /// <param name="sigmaMax">σ_max ≥ σ_min (the first level).</param>
    /// <param name="rho">ρ &gt; 0; larger values spend more steps at low noise.</param>
    public static double[] KarrasSigmas(int n, double sigmaMin, double sigmaMax, double rho = DefaultRho)
    {
        Validate(n, sigmaMin, sigmaMax);
        if (!(rho > 0) || !double.IsFinite(rho))
        {
            throw new ArgumentOutOfRangeException(nameof(rho), rho, "Karras sigmas: rho must be positive and finite.");
        }

        double minInvRho = Math.Pow(sigmaMin, 1 / rho);
        double maxInvRho = Math.Pow(sigmaMax, 1 / rho);
        return Array.ConvertAll(TimestepSpacing.NumpyLinspace(0, 1, n),
            ramp => Math.Pow(maxInvRho + ramp * (minInvRho - maxInvRho), rho));
    }

    /// <summary>
    /// Noise levels evenly spaced in log σ: σ_i = exp(ln σ_max + i/(n-1) · (ln σ_min - ln σ_max)), i = 0 .. n-1
    /// (k-diffusion's <c>get_sigmas_exponential</c>).
    /// </summary>
    /// <param name="n">Number of noise levels (at least 1).</param>
    /// <param name="sigmaMin">σ_min &gt; 0.</param>
    /// <param name="sigmaMax">σ_max ≥ σ_min.</param>
    public static double[] ExponentialSigmas(int n, double sigmaMin, double sigmaMax)
    {
        Validate(n, sigmaMin, sigmaMax);
        return Array.ConvertAll(TimestepSpacing.NumpyLinspace(Math.Log(sigmaMax), Math.Log(sigmaMin), n), Math.Exp);
    }

    /// <summary>
    /// Noise levels at the quantiles of a Beta(α, β) distribution: σ_i = σ_min + F⁻¹(1 - i/(n-1)) (σ_max - σ_min),
    /// i = 0 .. n-1 (Lee et al. 2024, "Beta Sampling is All You Need", arXiv 2407.12173; diffusers'
    /// <c>_convert_to_beta</c> with α = β = 0.6), so steps crowd at both ends.
    /// </summary>
    /// <param name="n">Number of noise levels (at least 1).</param>
    /// <param name="sigmaMin">The last level.</param>
    /// <param name="sigmaMax">The first level.</param>
    /// <param name="alpha">α &gt; 0.</param>
    /// <param name="beta">β &gt; 0.</param>
    public static double[] BetaSigmas(int n, double sigmaMin, double sigmaMax, double alpha = 0.6, double beta = 0.6)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        return Array.ConvertAll(TimestepSpacing.NumpyLinspace(0, 1, n),
            ramp => sigmaMin + BetaDistribution.Quantile(1 - ramp, alpha, beta) * (sigmaMax - sigmaMin));
    }

    private static void Validate(int n, double sigmaMin, double sigmaMax)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        if (!(sigmaMin > 0) || !(sigmaMax >= sigmaMin) || !double.IsFinite(sigmaMax))
        {
            throw new ArgumentOutOfRangeException(nameof(sigmaMin),
                $"sigma spacing: need 0 < sigma_min <= sigma_max < inf, got sigma_min = {sigmaMin}, sigma_max = {sigmaMax}.");
        }
    }
}
