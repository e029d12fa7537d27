using TorchSharp;
using static TorchSharp.torch;

namespace Points2d.Metrics;

/// <summary>
/// The unbiased estimate of the squared maximum mean discrepancy (Gretton et al. 2012, JMLR 13, Lemma 6):
/// MMD²_u = 1/(m(m−1)) Σ_{i≠j} k(x_i, x_j) + 1/(n(n−1)) Σ_{i≠j} k(y_i, y_j) − 2/(mn) Σ_{i,j} k(x_i, y_j),
/// with k a sum of Gaussian RBF kernels exp(−‖x − y‖² / (2σ²)).
/// </summary>
public static class MaximumMeanDiscrepancy
{
    /// <summary>MMD²_u between <paramref name="x"/> [M, D] and <paramref name="y"/> [N, D] (M, N ≥ 2).</summary>
    /// <param name="x">First sample.</param>
    /// <param name="y">Second sample on the same device.</param>
    /// <param name="bandwidths">The σ of each RBF kernel in the sum.</param>
    public static double Squared(Tensor x, Tensor y, IReadOnlyList<double> bandwidths)
    {
        if (x.dim() != 2 || y.dim() != 2 || x.shape[1] != y.shape[1] || x.shape[0] < 2 || y.shape[0] < 2)
            throw new ArgumentException(
                $"expected samples [M >= 2, D] and [N >= 2, D], got [{string.Join(", ", x.shape)}] and [{string.Join(", ", y.shape)}]");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        x = x.to(float32);
        y = y.to(float32);
        return OffDiagonalMean(Kernel(x, x, bandwidths)) + OffDiagonalMean(Kernel(y, y, bandwidths))
               - 2 * Kernel(x, y, bandwidths).mean().item<float>();
    }

    private static Tensor Kernel(Tensor a, Tensor b, IReadOnlyList<double> bandwidths)
    {
        // ‖a − b‖² = ‖a‖² + ‖b‖² − 2 a·b, clamped at 0 against rounding.
        Tensor squaredDistance = (a.square().sum(1, keepdim: true) + b.square().sum(1).unsqueeze(0) - 2 * a.matmul(b.T))
            .clamp_min(0);
        Tensor sum = zeros_like(squaredDistance);
        foreach (double sigma in bandwidths)
            sum += exp(squaredDistance / (-2 * sigma * sigma));
        return sum;
    }

    private static double OffDiagonalMean(Tensor k)
    {
        long n = k.shape[0];
        return (k.sum().item<float>() - k.diagonal().sum().item<float>()) / (n * (double)(n - 1));
    }
}
