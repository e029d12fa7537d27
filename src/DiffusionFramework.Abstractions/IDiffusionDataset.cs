using TorchSharp;

namespace DiffusionFramework.Abstractions;

/// <summary>A finite, indexable training set in model space.</summary>
public interface IDiffusionDataset
{
    /// <summary>Human-readable name (the folder, or "built-in: two moons").</summary>
    string Name { get; }

    /// <summary>Number of items.</summary>
    long Count { get; }

    /// <summary>Gathers the items at <paramref name="indices"/> into a batch on <paramref name="device"/>.</summary>
    DataBatch GetBatch(IReadOnlyList<long> indices, torch.Device device);
}

/// <summary>One training batch: clean data x0 and its conditioning.</summary>
/// <param name="X0">Clean samples [B, ...].</param>
/// <param name="Conditioning">Labels, context and masks of those samples.</param>
public sealed record DataBatch(torch.Tensor X0, Conditioning Conditioning);
