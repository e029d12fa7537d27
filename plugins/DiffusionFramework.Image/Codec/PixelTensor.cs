using TorchSharp;

namespace DiffusionFramework.Image.Codec;

/// <summary>
/// The map between 8-bit pixels and model space: byte b becomes b / 127.5 - 1 in [-1, 1] (DDPM's data scaling,
/// Ho et al. 2020 §3.3), laid out channels first [C, H, W]; back, x becomes round((x + 1) · 127.5) clamped to
/// [0, 255]. The round trip is exact for every byte.
/// </summary>
public static class PixelTensor
{
    /// <summary>A batch of equally sized images as float32 [B, C, H, W] in [-1, 1] on <paramref name="device"/>.</summary>
    /// <exception cref="ArgumentException">The images differ in size or channels, or the list is empty.</exception>
    public static torch.Tensor ToTensor(IReadOnlyList<PixelImage> images, torch.Device device)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Count == 0)
            throw new ArgumentException("no images to encode", nameof(images));
        PixelImage first = images[0];
        int pixelsPerImage = first.Pixels.Length;
        var bytes = new byte[(long)pixelsPerImage * images.Count];
        for (int i = 0; i < images.Count; i++)
        {
            PixelImage image = images[i];
            if (image.Width != first.Width || image.Height != first.Height || image.Channels != first.Channels)
                throw new ArgumentException($"image {i} is {image}, image 0 is {first}: a batch needs one size", nameof(images));
            Buffer.BlockCopy(image.Pixels, 0, bytes, i * pixelsPerImage, pixelsPerImage);
        }
        using var scope = torch.NewDisposeScope();
        torch.Tensor hwc = torch.tensor(bytes, [images.Count, first.Height, first.Width, first.Channels], device: device);
        return FromBytes(hwc.permute(0, 3, 1, 2)).contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>Bytes (uint8, any shape) as float32 b / 127.5 - 1 on the same device.</summary>
    public static torch.Tensor FromBytes(torch.Tensor bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        return bytes.to(torch.float32).div_(127.5).sub_(1.0);
    }

    /// <summary>An image's bytes as uint8 [C, H, W] (a channels-first view of the HWC data) on the CPU.</summary>
    public static torch.Tensor ToByteTensor(PixelImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        using var scope = torch.NewDisposeScope();
        torch.Tensor hwc = torch.tensor(image.Pixels, [image.Height, image.Width, image.Channels]);
        return hwc.permute(2, 0, 1).MoveToOuterDisposeScope();
    }

    /// <summary>One image as float32 [C, H, W] in [-1, 1].</summary>
    public static torch.Tensor ToTensor(PixelImage image, torch.Device device)
    {
        using var scope = torch.NewDisposeScope();
        return ToTensor([image], device)[0].MoveToOuterDisposeScope();
    }

    /// <summary>Model-space values as bytes: round((x + 1) · 127.5) clamped to [0, 255], uint8 of the same shape.</summary>
    public static torch.Tensor ToBytes(torch.Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        using var scope = torch.NewDisposeScope();
        torch.Tensor levels = x.detach().to(torch.float32).add(1.0).mul_(127.5).round_().clamp_(0, 255);
        return levels.to(torch.uint8).MoveToOuterDisposeScope();
    }

    /// <summary>A batch [B, C, H, W] (or one image [C, H, W]) as images; C must be 1 or 3.</summary>
    public static IReadOnlyList<PixelImage> ToImages(torch.Tensor batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.dim() == 3)
            batch = batch.unsqueeze(0);
        if (batch.dim() != 4 || batch.shape[1] is not (1 or 3))
            throw new ArgumentException(
                $"images must be [B, C, H, W] or [C, H, W] with C = 1 or 3, got [{string.Join(", ", batch.shape)}]",
                nameof(batch));
        (int count, int channels, int height, int width) =
            ((int)batch.shape[0], (int)batch.shape[1], (int)batch.shape[2], (int)batch.shape[3]);
        byte[] bytes;
        using (torch.NewDisposeScope())
            bytes = ToBytes(batch).permute(0, 2, 3, 1).cpu().contiguous().data<byte>().ToArray();
        int perImage = channels * height * width;
        var images = new PixelImage[count];
        for (int i = 0; i < count; i++)
            images[i] = new PixelImage(width, height, channels, bytes[(i * perImage)..((i + 1) * perImage)]);
        return images;
    }
}
