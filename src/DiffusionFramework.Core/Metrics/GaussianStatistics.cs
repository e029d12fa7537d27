using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionFramework.Core.Metrics;

/// <summary>
/// The mean and unbiased covariance of a set of feature vectors, in float64: the Gaussian that the Fréchet distance
/// fits to each set. Computing it once lets a metric cache the reference set's statistics.
/// </summary>
/// <remarks>Owns its two tensors; dispose it when done.</remarks>
public sealed class GaussianStatistics : IDisposable
{
    private GaussianStatistics(Tensor mean, Tensor covariance, long count)
    {
        Mean = mean;
        Covariance = covariance;
        Count = count;
    }

    /// <summary>μ, float64 [D].</summary>
    public Tensor Mean { get; }

    /// <summary>Σ = (X - μ)ᵀ(X - μ) / (N - 1), float64 [D, D].</summary>
    public Tensor Covariance { get; }

    /// <summary>N, the number of feature vectors.</summary>
    public long Count { get; }

    /// <summary>D, the feature dimension.</summary>
    public long Dimension => Mean.shape[0];

    /// <summary>Fits the statistics of <paramref name="features"/> [N, D] (N ≥ 2), on the features' device.</summary>
    /// <exception cref="ArgumentException">The features are not a finite [N ≥ 2, D ≥ 1] matrix.</exception>
    public static GaussianStatistics Of(Tensor features)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (features.dim() != 2 || features.shape[0] < 2 || features.shape[1] < 1)
            throw new ArgumentException(
                $"features must have shape [N >= 2, D >= 1], got [{string.Join(", ", features.shape)}]", nameof(features));
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor x = features.detach().to(float64);
        if (!x.isfinite().all().item<bool>())
            throw new ArgumentException("features contain NaN or infinite values", nameof(features));
        Tensor mean = x.mean([0]);
        Tensor centred = x - mean;
        Tensor covariance = centred.t().matmul(centred) / (x.shape[0] - 1);
        return new GaussianStatistics(mean.MoveToOuterDisposeScope(), covariance.MoveToOuterDisposeScope(), x.shape[0]);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Mean.Dispose();
        Covariance.Dispose();
    }
}
