using TorchSharp;

namespace DiffusionFramework.Core.Sampling;

/// <summary>
/// The marginal q(x_i | x0) = N(α x0, σ² I) of a sampler's running sample at one step: x_i = α x0 + σ ε
/// (Ho et al. 2020, arXiv 2006.11239, eq. 4 for variance-preserving samples; α = 1 for the σ-space samples of
/// Karras et al. 2022, arXiv 2206.00364, eq. 1). Float32, as diffusers' coefficients.
/// </summary>
/// <param name="Alpha">α: √alphā_t for DDPM/DDIM and DPM-Solver-type runs, 1 for Euler-type runs.</param>
/// <param name="Sigma">σ: √(1 - alphā_t), or the σ-space noise level.</param>
public readonly record struct NoiseLevel(float Alpha, float Sigma)
{
    /// <summary>The level of a variance-preserving sample at cumulative alpha alphā: (√alphā, √(1 - alphā)).</summary>
    public static NoiseLevel FromAlphaCumprod(float alphaCumprod) =>
        new(MathF.Sqrt(alphaCumprod), MathF.Sqrt(1f - alphaCumprod));

    /// <summary>α x0 + σ ε: diffusers' <c>add_noise</c> at this level (α and σ at the tensors' precision).</summary>
    public torch.Tensor Apply(torch.Tensor original, torch.Tensor noise)
    {
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(noise);
        using var scope = torch.NewDisposeScope();
        return (original * (double)Alpha + noise * (double)Sigma).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Draws x_i ~ q(x_i | x_j) from a sample <paramref name="sample"/> at the less noisy level
    /// <paramref name="from"/> (j) up to this level (i): x_i = (α_i/α_j) x_j + √(σ_i² - (α_i/α_j)² σ_j²) ε. For a
    /// variance-preserving process this is the forward transition N(√(alphā_i/alphā_j) x_j, (1 - alphā_i/alphā_j) I)
    /// (Ho et al. 2020, eq. 2 composed over the skipped timesteps); in σ-space it is x_j + √(σ_i² - σ_j²) ε.
    /// </summary>
    public torch.Tensor Renoise(torch.Tensor sample, NoiseLevel from, torch.Tensor noise)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(noise);
        using var scope = torch.NewDisposeScope();
        double ratio = (double)Alpha / from.Alpha;
        double variance = (double)Sigma * Sigma - ratio * ratio * from.Sigma * from.Sigma;
        return (sample * ratio + noise * Math.Sqrt(Math.Max(variance, 0))).MoveToOuterDisposeScope();
    }
}
