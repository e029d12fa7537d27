using TorchSharp;

namespace DiffusionFramework.Abstractions;

/// <summary>A quality measure of generated samples, computed as its paper defines it.</summary>
public interface IMetric
{
    /// <summary>Short name, e.g. "sliced_wasserstein".</summary>
    string Name { get; }

    /// <summary>True when larger values mean better samples.</summary>
    bool HigherIsBetter { get; }

    /// <summary>Scores a generated batch against the modality's reference data.</summary>
    /// <param name="samples">Generated batch in model space.</param>
    /// <param name="conditioning">What they were conditioned on.</param>
    /// <param name="generator">Seeded generator for metrics that draw reference samples or projections.</param>
    double Compute(torch.Tensor samples, Conditioning conditioning, torch.Generator? generator);
}
