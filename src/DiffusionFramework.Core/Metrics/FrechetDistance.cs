using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionFramework.Core.Metrics;

/// <summary>
/// The Fréchet (2-Wasserstein) distance between the Gaussians fitted to two sets of feature vectors, the quantity
/// behind FID (Heusel et al. 2017, "GANs Trained by a Two Time-Scale Update Rule Converge to a Local Nash
/// Equilibrium", arXiv:1706.08500, eq. 6): d² = ‖μ_a − μ_b‖² + Tr(Σ_a + Σ_b − 2 (Σ_a Σ_b)^½).
/// </summary>
/// <remarks>
/// Everything is computed in float64 with unbiased covariances. Tr (Σ_a Σ_b)^½ is the sum of the square roots of the
/// eigenvalues of the symmetric positive semi-definite M = Σ_a^½ Σ_b Σ_a^½, which has the same eigenvalues as
/// Σ_a Σ_b; both square roots come from <c>torch.linalg.eigh</c>, with round-off negatives clamped to zero. This
/// avoids the complex-valued <c>scipy.linalg.sqrtm</c> of the reference implementation and agrees with it where
/// that one is well defined.
/// </remarks>
public static class FrechetDistance
{
    /// <summary>d² between the Gaussians fitted to <paramref name="featuresA"/> and <paramref name="featuresB"/>,
    /// each [N ≥ 2, D] with the same D (N may differ).</summary>
    /// <exception cref="ArgumentException">A set is not a finite [N ≥ 2, D] matrix, or the dimensions differ.</exception>
    public static double Compute(Tensor featuresA, Tensor featuresB)
    {
        using GaussianStatistics a = Statistics(featuresA);
        using GaussianStatistics b = Statistics(featuresB);
        return Compute(a, b);
    }

    /// <summary>The mean and unbiased covariance of <paramref name="features"/> [N ≥ 2, D], for caching a reference set.</summary>
    public static GaussianStatistics Statistics(Tensor features) => GaussianStatistics.Of(features);

    /// <summary>d² between two fitted Gaussians of the same dimension (on the same device).</summary>
    /// <exception cref="ArgumentException">The dimensions differ.</exception>
    public static double Compute(GaussianStatistics a, GaussianStatistics b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Dimension != b.Dimension)
            throw new ArgumentException($"feature dimensions differ: {a.Dimension} and {b.Dimension}");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        double meanTerm = (a.Mean - b.Mean).square().sum().item<double>();
        Tensor rootA = SymmetricSquareRoot(a.Covariance);
        Tensor m = rootA.matmul(b.Covariance).matmul(rootA);
        double traceRoot = linalg.eigvalsh(Symmetrize(m)).clamp_min(0).sqrt().sum().item<double>();
        double traces = a.Covariance.trace().item<double>() + b.Covariance.trace().item<double>();
        // Round-off can leave a tiny negative where the two sets coincide; a distance is never below zero.
        return Math.Max(0, meanTerm + traces - 2 * traceRoot);
    }

    /// <summary>S^½ = Q diag(√max(λ, 0)) Qᵀ for a symmetric positive semi-definite S = Q diag(λ) Qᵀ.</summary>
    private static Tensor SymmetricSquareRoot(Tensor s)
    {
        var (eigenvalues, eigenvectors) = linalg.eigh(Symmetrize(s));
        return (eigenvectors * eigenvalues.clamp_min(0).sqrt()).matmul(eigenvectors.t());
    }

    private static Tensor Symmetrize(Tensor s) => (s + s.t()) / 2;
}
