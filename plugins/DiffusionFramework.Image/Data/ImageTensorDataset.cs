using DiffusionFramework.Abstractions;
using TorchSharp;

namespace DiffusionFramework.Image.Data;

/// <summary>
/// Images held in one float32 tensor [N, C, H, W] in [-1, 1] on the CPU, with optional int64 class labels [N];
/// batches carry the labels as <see cref="Conditioning.ClassLabels"/>.
/// </summary>
public sealed class ImageTensorDataset : IDiffusionDataset, IDisposable
{
    private readonly torch.Tensor images;
    private readonly torch.Tensor? labels;

    /// <summary>Takes detached CPU copies of <paramref name="images"/> and <paramref name="labels"/>.</summary>
    public ImageTensorDataset(string name, torch.Tensor images, torch.Tensor? labels)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.dim() != 4 || images.shape[0] == 0)
            throw new ArgumentException($"images must be [N > 0, C, H, W], got [{string.Join(", ", images.shape)}]",
                nameof(images));
        if (labels is not null && (labels.dim() != 1 || labels.shape[0] != images.shape[0]))
            throw new ArgumentException($"labels must be [{images.shape[0]}], got [{string.Join(", ", labels.shape)}]",
                nameof(labels));
        Name = name;
        using var scope = torch.NewDisposeScope();
        this.images = images.detach().to(torch.float32, torch.CPU).contiguous().clone().DetachFromDisposeScope();
        this.labels = labels?.detach().to(torch.int64, torch.CPU).clone().DetachFromDisposeScope();
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public long Count => images.shape[0];

    /// <summary>Whether batches carry class labels.</summary>
    public bool HasLabels => labels is not null;

    /// <inheritdoc />
    public DataBatch GetBatch(IReadOnlyList<long> indices, torch.Device device)
    {
        ArgumentNullException.ThrowIfNull(indices);
        using var scope = torch.NewDisposeScope();
        torch.Tensor index = DatasetIndices.ToTensor(indices, Count);
        torch.Tensor x0 = images.index_select(0, index).to(device).MoveToOuterDisposeScope();
        torch.Tensor? y = labels?.index_select(0, index).to(device).MoveToOuterDisposeScope();
        return new DataBatch(x0, y is null ? Conditioning.None : new Conditioning { ClassLabels = y });
    }

    /// <summary>Frees the images and labels.</summary>
    public void Dispose()
    {
        images.Dispose();
        labels?.Dispose();
    }
}
