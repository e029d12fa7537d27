using TorchSharp;
using static TorchSharp.torch;

namespace Points2d.Metrics;

/// <summary>
/// The sliced Wasserstein distance (Rabin et al. 2011; Kolouri et al. 2018, arXiv:1804.01947; Deshpande et al. 2018,
/// arXiv:1803.11188): SW_p(μ, ν) = (E_θ W_p^p(θ♯μ, θ♯ν))^{1/p}, θ uniform on the unit sphere.
/// </summary>
/// <remarks>
/// The expectation over θ is a Monte Carlo mean over random directions. Each 1-D distance is exact for the two
/// empirical measures: with equally many points, W_p^p = (1/n) Σ_i |a_(i) − b_(i)|^p over the sorted projections.
/// </remarks>
public static class SlicedWasserstein
{
    /// <summary>SW_p between the point sets <paramref name="a"/> and <paramref name="b"/>, both [N, D].</summary>
    /// <param name="a">First sample.</param>
    /// <param name="b">Second sample, same shape and device.</param>
    /// <param name="projections">Number of random directions θ.</param>
    /// <param name="p">Order: 1 or 2.</param>
    /// <param name="generator">Draws the directions, or null for the global generator.</param>
    public static double Distance(Tensor a, Tensor b, int projections, int p, Generator? generator)
    {
        if (a.dim() != 2 || !a.shape.SequenceEqual(b.shape))
            throw new ArgumentException(
                $"expected two samples of the same shape [N, D], got [{string.Join(", ", a.shape)}] and [{string.Join(", ", b.shape)}]");
        if (p is not (1 or 2))
            throw new ArgumentOutOfRangeException(nameof(p), p, "p must be 1 or 2");
        ArgumentOutOfRangeException.ThrowIfLessThan(projections, 1);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor theta = randn([a.shape[1], projections], dtype: float32, device: RandomDevice.For(a.device, generator),
            generator: generator).to(a.device);
        theta = theta / theta.norm(0, keepdim: true);
        // Projections as [directions, N], so that each sort runs along contiguous memory.
        Tensor projectedA = theta.T.matmul(a.to(float32).T).sort(1).Values;
        Tensor projectedB = theta.T.matmul(b.to(float32).T).sort(1).Values;
        Tensor gap = (projectedA - projectedB).abs();
        return p == 1 ? gap.mean().item<float>() : Math.Sqrt(gap.square().mean().item<float>());
    }
}
