using System.Globalization;
using System.Text;
using TorchSharp;

namespace Points2d.Data;

/// <summary>
/// Points as CSV text: one "x,y" row per point, invariant culture, an optional header line (a first line whose
/// two fields are not numbers, e.g. <c>x,y</c>) and blank lines ignored.
/// </summary>
public static class PointsCsv
{
    /// <summary>Largest file <see cref="Read"/> accepts, in bytes.</summary>
    public const long MaxFileBytes = 64L * 1024 * 1024;

    /// <summary>Most points <see cref="Read"/> accepts.</summary>
    public const int MaxRows = 1_000_000;

    /// <summary>Reads the points of a CSV file into a float32 tensor [N, 2] on the CPU.</summary>
    /// <exception cref="InvalidDataException">The file is too large, empty or has a bad row; the message names the
    /// file and the line.</exception>
    public static torch.Tensor Read(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
            throw new InvalidDataException($"{path}: file not found");
        if (info.Length > MaxFileBytes)
            throw new InvalidDataException($"{path}: {info.Length} bytes is larger than the limit of {MaxFileBytes} bytes");
        var values = new List<float>();
        int lineNumber = 0;
        foreach (string line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
                continue;
            string[] fields = line.Split(',');
            if (lineNumber == 1 && fields.Length == 2 && fields.All(f => !TryParse(f, out _)))
                continue;
            if (fields.Length != 2 || !TryParse(fields[0], out float x) || !TryParse(fields[1], out float y))
                throw new InvalidDataException($"{path}:{lineNumber}: expected two finite numbers \"x,y\", got \"{Clip(line)}\"");
            if (values.Count / 2 >= MaxRows)
                throw new InvalidDataException($"{path}:{lineNumber}: more than {MaxRows} points");
            values.Add(x);
            values.Add(y);
        }
        if (values.Count == 0)
            throw new InvalidDataException($"{path}: no points");
        return torch.tensor(values.ToArray(), [values.Count / 2, 2], dtype: torch.float32);
    }

    /// <summary>Formats points [N, 2] as CSV text with an "x,y" header; floats are written so that they read back exactly.</summary>
    public static string Format(float[] xy)
    {
        var text = new StringBuilder("x,y\n", 16 + xy.Length * 12);
        for (int i = 0; i + 1 < xy.Length; i += 2)
            text.Append(xy[i].ToString("R", CultureInfo.InvariantCulture)).Append(',')
                .Append(xy[i + 1].ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        return text.ToString();
    }

    private static bool TryParse(string field, out float value) =>
        float.TryParse(field.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out value) && float.IsFinite(value);

    private static string Clip(string line) => line.Length <= 80 ? line : line[..80] + "...";
}
