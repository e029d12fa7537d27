using DiffusionFramework.Abstractions;
using Points2d.Distributions;
using TorchSharp;

namespace Points2d.Metrics;

/// <summary>
/// MMD²_u (<see cref="MaximumMeanDiscrepancy"/>) with RBF bandwidths 0.05, 0.2 and 1 between generated points and as
/// many fresh points of a built-in distribution; at most <see cref="MaxPoints"/> generated points (a random subset)
/// are used, so the kernel matrices stay small.
/// </summary>
public sealed class MmdMetric(IToyDistribution distribution) : IMetric
{
    /// <summary>Most points compared.</summary>
    public const int MaxPoints = 1024;

    private static readonly double[] Bandwidths = [0.05, 0.2, 1.0];

    /// <inheritdoc />
    public string Name => $"mmd_rbf_{distribution.Name}";

    /// <inheritdoc />
    public bool HigherIsBetter => false;

    /// <inheritdoc />
    public double Compute(torch.Tensor samples, Conditioning conditioning, torch.Generator? generator)
    {
        MetricInput.Check(samples);
        using var scope = torch.NewDisposeScope();
        if (samples.shape[0] > MaxPoints)
            samples = samples.index_select(0,
                torch.randperm(samples.shape[0], device: RandomDevice.For(samples.device, generator), generator: generator)[..MaxPoints]
                    .to(samples.device));
        torch.Tensor reference = distribution.Sample(samples.shape[0], samples.device, generator);
        return MaximumMeanDiscrepancy.Squared(samples, reference, Bandwidths);
    }
}
