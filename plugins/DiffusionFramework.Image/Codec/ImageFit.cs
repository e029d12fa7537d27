using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace DiffusionFramework.Image.Codec;

/// <summary>
/// Brings an image to the model's size: scales it (bicubic) so that it covers width x height, then cuts out the
/// centre (ImageSharp's <c>ResizeMode.Crop</c>); an image already of that size is returned as is.
/// </summary>
public static class ImageFit
{
    /// <summary>Resizes and centre-crops <paramref name="image"/> to <paramref name="width"/> x <paramref name="height"/>.</summary>
    public static PixelImage CoverAndCrop(PixelImage image, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (width < 1 || height < 1)
            throw new ArgumentException($"target size must be positive, got {width}x{height}", nameof(width));
        if (image.Width == width && image.Height == height)
            return image;
        var options = new ResizeOptions
        {
            Size = new Size(width, height),
            Mode = ResizeMode.Crop,
            Sampler = KnownResamplers.Bicubic,
        };
        Configuration configuration = ImageReadLimits.Default.Configuration;
        using var source = ImageFile.ToImageSharp(image, configuration);
        source.Mutate(x => x.Resize(options));
        return image.Channels == 1
            ? ImageFile.FromImageSharp((SixLabors.ImageSharp.Image<L8>)source, 1)
            : ImageFile.FromImageSharp((SixLabors.ImageSharp.Image<Rgb24>)source, 3);
    }
}
