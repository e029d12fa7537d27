using DiffusionFramework.Abstractions;
using TorchSharp;

namespace DiffusionFramework.Image.Codec;

/// <summary>
/// The image modality's <see cref="IDataCodec{TItem}"/>: files (PNG, JPEG, BMP, GIF's first frame) become
/// <see cref="PixelImage"/>s of the model's size and channels (scaled to cover, centre-cropped), which
/// <c>Encode</c> maps to float32 [B, C, H, W] in [-1, 1] (<see cref="PixelTensor"/>); <see cref="Decode"/>
/// inverts it exactly on 8-bit data, and <see cref="Write"/> writes PNG.
/// </summary>
/// <param name="width">Model width in pixels.</param>
/// <param name="height">Model height in pixels.</param>
/// <param name="channels">1 (grey) or 3 (RGB).</param>
/// <param name="limits">Decoder limits; null is <see cref="ImageReadLimits.Default"/>.</param>
public sealed class ImageCodec(int width, int height, int channels, ImageReadLimits? limits = null) : IDataCodec<PixelImage>
{
    private readonly ImageReadLimits limits = limits ?? ImageReadLimits.Default;

    /// <inheritdoc />
    public IReadOnlyList<string> FileExtensions => ImageFile.ReadExtensions;

    /// <summary>Encodes on the CPU; items of another size or channel count are fitted first.</summary>
    public torch.Tensor Encode(IReadOnlyList<PixelImage> items) => Encode(items, torch.CPU);

    /// <summary>Encodes on <paramref name="device"/>; items of another size are resized and centre-cropped.</summary>
    public torch.Tensor Encode(IReadOnlyList<PixelImage> items, torch.Device device)
    {
        ArgumentNullException.ThrowIfNull(items);
        return PixelTensor.ToTensor(items.Select(Fit).ToArray(), device);
    }

    /// <inheritdoc />
    public IReadOnlyList<PixelImage> Decode(torch.Tensor batch) => PixelTensor.ToImages(batch);

    /// <summary>Reads <paramref name="path"/> at the model's size and channels.</summary>
    public PixelImage Read(string path) => ImageFit.CoverAndCrop(ImageFile.Read(path, channels, limits), width, height);

    /// <summary>Writes <paramref name="item"/> as PNG, atomically; the path must end in <c>.png</c>.</summary>
    public void Write(PixelImage item, string path)
    {
        if (!string.Equals(Path.GetExtension(path), ".png", StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"{path}: the image codec writes PNG files only (.png)", nameof(path));
        ImageFile.WritePng(item, path);
    }

    private PixelImage Fit(PixelImage image)
    {
        if (image.Channels != channels)
            throw new ArgumentException($"an image has {image.Channels} channels, the model {channels}", nameof(image));
        return ImageFit.CoverAndCrop(image, width, height);
    }
}
