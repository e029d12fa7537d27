using DiffusionFramework.Abstractions;
using DiffusionFramework.Image.Codec;
using TorchSharp;

namespace DiffusionFramework.Image.Output;

/// <summary>
/// Writes generated images [B, C, H, W] in [-1, 1] as <c>prefix.png</c>, a grid of up to <see cref="Columns"/> tiles
/// per row (rows of ten show the ten digit classes), and one PNG per sample, <c>prefix-000.png</c>, ... (with
/// <c>-class7</c> when the sample had a class label). Files are written through a temporary file and never replace an
/// existing file: when any name is taken the writer moves on to <c>prefix-1</c>, <c>prefix-2</c>, ...
/// </summary>
public sealed class ImageSampleWriter : ISampleWriter
{
    /// <summary>Tiles per grid row.</summary>
    public const int Columns = 10;

    /// <summary>Pixels between grid tiles.</summary>
    public const int Padding = 2;

    private const int MaxAttempts = 10_000;

    /// <inheritdoc />
    public IReadOnlyList<string> Write(torch.Tensor samples, Conditioning conditioning, string directory, string prefix)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(conditioning);
        if (samples.dim() != 4 || samples.shape[1] is not (1 or 3) || samples.shape[0] < 1)
            throw new ArgumentException(
                $"samples must be images [B, C, H, W] with C = 1 or 3, got [{string.Join(", ", samples.shape)}]",
                nameof(samples));
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"{directory}: output folder does not exist");
        if (string.IsNullOrWhiteSpace(prefix) || prefix.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
            throw new ArgumentException($"'{prefix}' is not a valid file name prefix", nameof(prefix));

        IReadOnlyList<PixelImage> images;
        PixelImage grid;
        using (torch.NewDisposeScope())
        {
            torch.Tensor x = samples.detach().to(torch.float32, torch.CPU);
            images = PixelTensor.ToImages(x);
            grid = PixelTensor.ToImages(ImageGrid.Tile(x, Math.Min(Columns, images.Count), Padding, padValue: 0.0))[0];
        }
        long[]? labels = Labels(conditioning, images.Count);
        string[] names = FreeNames(directory, prefix, labels, images.Count);
        ImageFile.WritePng(grid, names[0], overwrite: false);
        for (int i = 0; i < images.Count; i++)
            ImageFile.WritePng(images[i], names[i + 1], overwrite: false);
        return names;
    }

    private static long[]? Labels(Conditioning conditioning, int count)
    {
        if (conditioning.ClassLabels is not { } labels || labels.numel() != count)
            return null;
        using (torch.NewDisposeScope())
            return labels.to(torch.int64, torch.CPU).contiguous().data<long>().ToArray();
    }

    /// <summary>The grid's name, then each sample's, for the first stem whose names are all free.</summary>
    private static string[] FreeNames(string directory, string prefix, long[]? labels, int count)
    {
        for (int n = 0; n < MaxAttempts; n++)
        {
            string stem = Path.Combine(directory, n == 0 ? prefix : $"{prefix}-{n}");
            string[] names = new string[count + 1];
            names[0] = stem + ".png";
            for (int i = 0; i < count; i++)
                names[i + 1] = labels is null ? $"{stem}-{i:D3}.png" : $"{stem}-{i:D3}-class{labels[i]}.png";
            if (!names.Any(File.Exists))
                return names;
        }
        throw new IOException($"{directory}: no free file name for '{prefix}' after {MaxAttempts} attempts");
    }
}
