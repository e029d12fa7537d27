using DiffusionFramework.Abstractions;
using DiffusionFramework.Image.Codec;
using DiffusionFramework.Image.Data;
using TorchSharp;

namespace DiffusionFramework.Image.SuperResolution;

/// <summary>
/// Super-resolution training pairs cut from a folder of photos: item k is a <c>patch</c> x <c>patch</c> crop of image
/// k mod N at a position fixed by (seed, k) (<see cref="PatchPositions"/>); the conditioning's context is
/// <see cref="LowResContext.FromHighRes"/> of the crop (in [-1, 1]) and x0 is <see cref="ResidualTarget.Encode"/> of both. <see cref="Count"/> = N · patches per image.
/// </summary>
public sealed class PatchDataset : IDiffusionDataset, IDisposable
{
    private readonly torch.Tensor[] photos;
    private readonly int patch;
    private readonly int scale;
    private readonly ulong seed;
    private readonly double residualScale;
    private readonly bool augment;

    /// <summary>Wraps photos of at least <paramref name="patch"/> pixels a side.</summary>
    /// <param name="name">Dataset name.</param>
    /// <param name="photos">The photos as images of equal channel count (kept as bytes).</param>
    /// <param name="patch">Side of a high-resolution patch (the model's image size), a multiple of <paramref name="scale"/>.</param>
    /// <param name="scale">Super-resolution factor.</param>
    /// <param name="patchesPerImage">Items per photo.</param>
    /// <param name="seed">Seed of the patch positions.</param>
    /// <param name="residualScale">The residual target's factor (0 = the crop itself).</param>
    /// <param name="augment">Training batches see each crop under one of the square's eight symmetries (quarter turns
    /// and flips, seeded per item), as SR training does (EDSR, Lim et al. 2017, §4.1); <see cref="HighRes"/> never.</param>
    public PatchDataset(string name, IReadOnlyList<PixelImage> photos, int patch, int scale, int patchesPerImage, ulong seed,
        double residualScale = 0, bool augment = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(residualScale);
        ArgumentNullException.ThrowIfNull(photos);
        if (photos.Count == 0)
            throw new ArgumentException("no photos", nameof(photos));
        ArgumentOutOfRangeException.ThrowIfLessThan(scale, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(patchesPerImage, 1);
        if (patch < scale || patch % scale != 0)
            throw new ArgumentException($"the patch size {patch} must be a multiple of the scale {scale}", nameof(patch));
        PixelImage? small = photos.FirstOrDefault(p => p.Width < patch || p.Height < patch);
        if (small is not null)
            throw new ArgumentException($"a photo of {small} is smaller than the patch size {patch}", nameof(photos));
        Name = name;
        this.patch = patch;
        this.scale = scale;
        this.seed = seed;
        this.residualScale = residualScale;
        this.augment = augment;
        this.photos = photos.Select(p => PixelTensor.ToByteTensor(p).DetachFromDisposeScope()).ToArray();
        Count = (long)photos.Count * patchesPerImage;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public long Count { get; }

    /// <inheritdoc />
    public DataBatch GetBatch(IReadOnlyList<long> indices, torch.Device device)
    {
        using var scope = torch.NewDisposeScope();
        torch.Tensor highRes = HighRes(indices, device);
        if (augment)
            highRes = torch.stack(indices.Select((index, i) => Symmetric(highRes[i], PatchPositions.Symmetry(seed, index))));
        torch.Tensor context = LowResContext.FromHighRes(highRes, scale);
        torch.Tensor x0 = ResidualTarget.Encode(highRes, context, residualScale);
        return new DataBatch(x0.MoveToOuterDisposeScope(), new Conditioning { Context = context.MoveToOuterDisposeScope() });
    }

    /// <summary>Where item <paramref name="index"/> is cut: its photo (index mod N) and the patch's top-left corner.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside [0, <see cref="Count"/>).</exception>
    public (int Photo, int Top, int Left) Position(long index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        int photo = (int)(index % photos.Length);
        (int top, int left) = PatchPositions.For(seed, index, (int)photos[photo].shape[1], (int)photos[photo].shape[2], patch);
        return (photo, top, left);
    }

    /// <summary>The high-resolution crops of <paramref name="indices"/>: float32 [B, C, patch, patch] in [-1, 1] on <paramref name="device"/>.</summary>
    /// <exception cref="ArgumentException">An index is outside [0, <see cref="Count"/>).</exception>
    public torch.Tensor HighRes(IReadOnlyList<long> indices, torch.Device device)
    {
        ArgumentNullException.ThrowIfNull(indices);
        DatasetIndices.ToTensor(indices, Count).Dispose();
        using var scope = torch.NewDisposeScope();
        var crops = new torch.Tensor[indices.Count];
        for (int i = 0; i < indices.Count; i++)
        {
            (int photo, int top, int left) = Position(indices[i]);
            crops[i] = photos[photo].narrow(1, top, patch).narrow(2, left, patch);
        }
        return PixelTensor.FromBytes(torch.stack(crops).to(device)).MoveToOuterDisposeScope();
    }

    /// <summary>Crop [C, p, p] under symmetry <paramref name="symmetry"/>: bits 0-1 quarter turns, bit 2 a horizontal flip.</summary>
    internal static torch.Tensor Symmetric(torch.Tensor crop, int symmetry)
    {
        torch.Tensor turned = crop.rot90(symmetry & 3, (1, 2));
        return (symmetry & 4) != 0 ? turned.flip(2) : turned;
    }

    /// <summary>Frees the photos.</summary>
    public void Dispose()
    {
        foreach (torch.Tensor photo in photos)
            photo.Dispose();
    }
}
