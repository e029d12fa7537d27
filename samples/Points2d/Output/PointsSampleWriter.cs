using DiffusionFramework.Abstractions;
using Points2d.Data;
using TorchSharp;

namespace Points2d.Output;

/// <summary>
/// Writes a batch of points [B, 2] as <c>prefix.csv</c> (see <see cref="PointsCsv"/>) and <c>prefix.svg</c> (see
/// <see cref="SvgScatter"/>). Each file is written to a temporary file in the same folder and moved into place;
/// existing files are never replaced: when either name is taken the writer uses <c>prefix-1</c>, <c>prefix-2</c>, ...
/// </summary>
public sealed class PointsSampleWriter : ISampleWriter
{
    private const int MaxAttempts = 10_000;

    /// <inheritdoc />
    public IReadOnlyList<string> Write(torch.Tensor samples, Conditioning conditioning, string directory, string prefix)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (samples.dim() != 2 || samples.shape[1] != 2)
            throw new ArgumentException($"samples must have shape [B, 2], got [{string.Join(", ", samples.shape)}]",
                nameof(samples));
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"{directory}: output folder does not exist");
        if (string.IsNullOrWhiteSpace(prefix) || prefix.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
            throw new ArgumentException($"'{prefix}' is not a valid file name prefix", nameof(prefix));
        float[] xy;
        using (torch.NewDisposeScope())
            xy = samples.detach().to(torch.float32, torch.CPU).contiguous().data<float>().ToArray();
        (string csv, string svg) = FreeNames(directory, prefix);
        WriteNew(csv, PointsCsv.Format(xy));
        WriteNew(svg, SvgScatter.Render(xy));
        return [csv, svg];
    }

    private static (string Csv, string Svg) FreeNames(string directory, string prefix)
    {
        for (int n = 0; n < MaxAttempts; n++)
        {
            string stem = Path.Combine(directory, n == 0 ? prefix : $"{prefix}-{n}");
            if (!File.Exists(stem + ".csv") && !File.Exists(stem + ".svg"))
                return (stem + ".csv", stem + ".svg");
        }
        throw new IOException($"{directory}: no free file name for '{prefix}' after {MaxAttempts} attempts");
    }

    /// <summary>Writes a temporary file next to <paramref name="path"/> and moves it there without overwriting.</summary>
    private static void WriteNew(string path, string text)
    {
        string temp = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            File.WriteAllText(temp, text);
            File.Move(temp, path, overwrite: false);
        }
        finally
        {
            File.Delete(temp);
        }
    }
}
