using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Memory;
using SixLabors.ImageSharp.PixelFormats;
using ImageSharpImage = SixLabors.ImageSharp.Image;

namespace DiffusionFramework.Image.Codec;

/// <summary>
/// Reads PNG, JPEG, BMP and GIF files (the first frame) into grey or RGB <see cref="PixelImage"/>s at their own size,
/// and writes PNG files atomically. The header is read first (<c>Image.Identify</c>): an image above
/// <see cref="ImageReadLimits.MaxPixels"/> is refused before any pixel buffer is allocated.
/// </summary>
public static class ImageFile
{
    /// <summary>The extensions <see cref="Read"/> accepts, lower case with the dot.</summary>
    public static IReadOnlyList<string> ReadExtensions { get; } = [".png", ".jpg", ".jpeg", ".bmp", ".gif"];

    /// <summary>True when <paramref name="path"/> has one of <see cref="ReadExtensions"/> (any case).</summary>
    public static bool HasImageExtension(string path) =>
        ReadExtensions.Contains(Path.GetExtension(path).ToLowerInvariant());

    /// <summary>Reads the image at <paramref name="path"/> as <paramref name="channels"/> channels (1 = grey, 3 = RGB).</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">Not an image, truncated or corrupt, or too large; the message names the
    /// file and, for a large image, its size.</exception>
    public static PixelImage Read(string path, int channels, ImageReadLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (channels is not (1 or 3))
            throw new ArgumentException($"channels must be 1 (grey) or 3 (RGB), got {channels}", nameof(channels));
        limits ??= ImageReadLimits.Default;
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path}: file not found", path);
        Configuration configuration = limits.Configuration;
        try
        {
            using FileStream stream = File.OpenRead(path);
            IImageInfo info = ImageSharpImage.Identify(configuration, stream)
                ?? throw new InvalidDataException($"{path}: not an image in a format this plugin reads (PNG, JPEG, BMP, GIF)");
            limits.RequireWithin(path, info.Width, info.Height);
            stream.Position = 0;
            return channels == 1 ? Decode<L8>(configuration, stream, 1) : Decode<Rgb24>(configuration, stream, 3);
        }
        catch (Exception e) when (e is ImageFormatException or InvalidMemoryOperationException or NotSupportedException
                                      or EndOfStreamException)
        {
            throw new InvalidDataException($"{path}: cannot decode the image: {e.Message}", e);
        }
    }

    /// <summary>Reads only the header of <paramref name="path"/>: (width, height), or an error naming the file.</summary>
    /// <exception cref="InvalidDataException">Not an image or a corrupt header.</exception>
    public static (int Width, int Height) ReadSize(string path, ImageReadLimits? limits = null)
    {
        limits ??= ImageReadLimits.Default;
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path}: file not found", path);
        try
        {
            IImageInfo info = ImageSharpImage.Identify(limits.Configuration, path, out _)
                ?? throw new InvalidDataException($"{path}: not an image in a format this plugin reads (PNG, JPEG, BMP, GIF)");
            return (info.Width, info.Height);
        }
        catch (Exception e) when (e is ImageFormatException or NotSupportedException or EndOfStreamException)
        {
            throw new InvalidDataException($"{path}: cannot read the image header: {e.Message}", e);
        }
    }

    /// <summary>
    /// Writes <paramref name="image"/> as a PNG file: to a temporary file in the same folder, then moved into place
    /// (replacing an existing file only when <paramref name="overwrite"/>).
    /// </summary>
    /// <exception cref="IOException">The file exists and <paramref name="overwrite"/> is false.</exception>
    public static void WritePng(PixelImage image, string path, bool overwrite = true)
    {
        ArgumentNullException.ThrowIfNull(image);
        string full = Path.GetFullPath(path);
        string temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                using ImageSharpImage encoded = ToImageSharp(image, Configuration.Default);
                encoded.Save(stream, new PngEncoder());
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>Wraps a copy of <paramref name="image"/>'s bytes as an ImageSharp image (L8 or Rgb24).</summary>
    internal static ImageSharpImage ToImageSharp(PixelImage image, Configuration configuration) =>
        image.Channels == 1
            ? ImageSharpImage.LoadPixelData<L8>(configuration, image.Pixels, image.Width, image.Height)
            : ImageSharpImage.LoadPixelData<Rgb24>(configuration, image.Pixels, image.Width, image.Height);

    /// <summary>Copies an ImageSharp image's bytes into a <see cref="PixelImage"/>.</summary>
    internal static PixelImage FromImageSharp<TPixel>(SixLabors.ImageSharp.Image<TPixel> image, int channels)
        where TPixel : unmanaged, IPixel<TPixel>
    {
        var pixels = new byte[(long)image.Width * image.Height * channels];
        image.CopyPixelDataTo(pixels);
        return new PixelImage(image.Width, image.Height, channels, pixels);
    }

    private static PixelImage Decode<TPixel>(Configuration configuration, Stream stream, int channels)
        where TPixel : unmanaged, IPixel<TPixel>
    {
        using SixLabors.ImageSharp.Image<TPixel> image = ImageSharpImage.Load<TPixel>(configuration, stream);
        return FromImageSharp(image, channels);
    }
}
