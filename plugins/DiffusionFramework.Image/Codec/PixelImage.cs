namespace DiffusionFramework.Image.Codec;

/// <summary>
/// An 8-bit image in memory: <see cref="Height"/> rows of <see cref="Width"/> pixels of <see cref="Channels"/>
/// interleaved bytes (1 = grey, 3 = RGB), row-major, as PNG stores them. The item of <see cref="ImageCodec"/>.
/// </summary>
public sealed class PixelImage
{
    /// <summary>Wraps <paramref name="pixels"/> (not copied).</summary>
    /// <exception cref="ArgumentException">Channels is not 1 or 3, a side is not positive, or the buffer's length is not
    /// width · height · channels.</exception>
    public PixelImage(int width, int height, int channels, byte[] pixels)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        if (channels is not (1 or 3))
            throw new ArgumentException($"channels must be 1 (grey) or 3 (RGB), got {channels}", nameof(channels));
        if (width < 1 || height < 1)
            throw new ArgumentException($"image size must be positive, got {width}x{height}", nameof(width));
        if (pixels.LongLength != (long)width * height * channels)
            throw new ArgumentException(
                $"{width}x{height}x{channels} needs {(long)width * height * channels} bytes, got {pixels.LongLength}",
                nameof(pixels));
        Width = width;
        Height = height;
        Channels = channels;
        Pixels = pixels;
    }

    /// <summary>Pixels per row.</summary>
    public int Width { get; }

    /// <summary>Rows.</summary>
    public int Height { get; }

    /// <summary>1 (grey) or 3 (RGB).</summary>
    public int Channels { get; }

    /// <summary>The bytes, row-major, channels interleaved (HWC).</summary>
    public byte[] Pixels { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Width}x{Height}x{Channels}";
}
