using System.Collections.Concurrent;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Memory;
using SixLabors.ImageSharp.Metadata;

namespace DiffusionFramework.Image.Codec;

/// <summary>
/// How large an image the plugin agrees to decode. The pixel count is checked from the header (<c>Image.Identify</c>)
/// before any pixel buffer exists, and ImageSharp's allocator is capped as a second line of defence against a header
/// that lies.
/// </summary>
public sealed record ImageReadLimits
{
    /// <summary>The default limits: 40 megapixels, 1 GiB per ImageSharp allocation.</summary>
    public static ImageReadLimits Default { get; } = new();

    /// <summary>Largest width · height accepted (default 40,000,000).</summary>
    public long MaxPixels { get; init; } = 40_000_000;

    /// <summary>Cap on one (discontiguous) ImageSharp buffer in megabytes (default 1024).</summary>
    public int AllocationLimitMegabytes { get; init; } = 1024;

    private static readonly ConcurrentDictionary<int, Configuration> Configurations = new();

    /// <summary>
    /// The ImageSharp configuration these limits decode with: a capped allocator (one per limit for the whole process,
    /// as ImageSharp recommends), and a GIF decoder that reads the first frame only.
    /// </summary>
    internal Configuration Configuration => Configurations.GetOrAdd(AllocationLimitMegabytes, CreateConfiguration);

    /// <summary>Throws when <paramref name="width"/> x <paramref name="height"/> is above <see cref="MaxPixels"/>.</summary>
    /// <exception cref="InvalidDataException">The image is too large; the message names <paramref name="path"/>.</exception>
    public void RequireWithin(string path, long width, long height)
    {
        if (width < 1 || height < 1)
            throw new InvalidDataException($"{path}: the header gives an empty image ({width}x{height})");
        if (width * height > MaxPixels)
            throw new InvalidDataException(
                $"{path}: {width}x{height} is {width * height} pixels, above the limit of {MaxPixels} " +
                "(ImageReadLimits.MaxPixels)");
    }

    private static Configuration CreateConfiguration(int allocationLimitMegabytes)
    {
        if (allocationLimitMegabytes < 1)
            throw new ArgumentException($"AllocationLimitMegabytes must be positive, got {allocationLimitMegabytes}");
        var configuration = Configuration.Default.Clone();
        configuration.MemoryAllocator = MemoryAllocator.Create(new MemoryAllocatorOptions
        {
            AllocationLimitMegabytes = allocationLimitMegabytes,
        });
        configuration.ImageFormatsManager.SetDecoder(GifFormat.Instance,
            new GifDecoder { DecodingMode = FrameDecodingMode.First });
        return configuration;
    }
}
