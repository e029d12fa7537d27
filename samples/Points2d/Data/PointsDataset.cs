using DiffusionFramework.Abstractions;
using TorchSharp;

namespace Points2d.Data;

/// <summary>A fixed set of 2-D points held in one float32 tensor [N, 2] on the CPU.</summary>
public sealed class PointsDataset : IDiffusionDataset, IDisposable
{
    private readonly torch.Tensor points;

    /// <summary>Wraps <paramref name="points"/> [N, 2]; the dataset takes a detached CPU copy.</summary>
    public PointsDataset(string name, torch.Tensor points)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (points.dim() != 2 || points.shape[1] != 2 || points.shape[0] == 0)
            throw new ArgumentException($"points must have shape [N > 0, 2], got [{string.Join(", ", points.shape)}]",
                nameof(points));
        Name = name;
        using var scope = torch.NewDisposeScope();
        this.points = points.detach().to(torch.float32, torch.CPU).clone().DetachFromDisposeScope();
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public long Count => points.shape[0];

    /// <inheritdoc />
    public DataBatch GetBatch(IReadOnlyList<long> indices, torch.Device device)
    {
        ArgumentNullException.ThrowIfNull(indices);
        using var scope = torch.NewDisposeScope();
        torch.Tensor index = torch.tensor(indices as long[] ?? indices.ToArray(), dtype: torch.int64);
        if (index.numel() > 0 && (index.min().item<long>() < 0 || index.max().item<long>() >= Count))
            throw new ArgumentOutOfRangeException(nameof(indices), $"indices must lie in [0, {Count})");
        torch.Tensor x0 = points.index_select(0, index).to(device);
        return new DataBatch(x0.MoveToOuterDisposeScope(), Conditioning.None);
    }

    /// <summary>Frees the points.</summary>
    public void Dispose() => points.Dispose();
}
