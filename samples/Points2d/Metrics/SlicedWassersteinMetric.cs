using DiffusionFramework.Abstractions;
using Points2d.Distributions;
using TorchSharp;

namespace Points2d.Metrics;

/// <summary>
/// SW_1 (<see cref="SlicedWasserstein"/>) between generated points and as many fresh points of a built-in
/// distribution, over <see cref="Projections"/> random directions. Zero up to sampling error for a perfect model.
/// </summary>
public sealed class SlicedWassersteinMetric(IToyDistribution distribution) : IMetric
{
    /// <summary>Number of random directions.</summary>
    public const int Projections = 512;

    /// <inheritdoc />
    public string Name => $"sliced_wasserstein_{distribution.Name}";

    /// <inheritdoc />
    public bool HigherIsBetter => false;

    /// <inheritdoc />
    public double Compute(torch.Tensor samples, Conditioning conditioning, torch.Generator? generator)
    {
        MetricInput.Check(samples);
        using var scope = torch.NewDisposeScope();
        torch.Tensor reference = distribution.Sample(samples.shape[0], samples.device, generator);
        return SlicedWasserstein.Distance(samples, reference, Projections, 1, generator);
    }
}
