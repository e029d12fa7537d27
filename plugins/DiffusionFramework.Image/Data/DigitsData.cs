using System.Globalization;
using System.IO.Compression;
using TorchSharp;

namespace DiffusionFramework.Image.Data;

/// <summary>Which rows of the built-in digits a caller wants.</summary>
public enum DigitsSplit
{
    /// <summary>All 1,797 digits.</summary>
    All,

    /// <summary>The training split: rows whose index is not 3 modulo 4 (1,348 digits).</summary>
    Train,

    /// <summary>The test split: rows whose index is 3 modulo 4 (449 digits).</summary>
    Test,
}

/// <summary>
/// The built-in 8x8 handwritten digits (UCI "Optical Recognition of Handwritten Digits", CC BY 4.0; see
/// <c>Assets/README.md</c>), embedded in the plugin: grey levels 0-16 and labels 0-9.
/// </summary>
public static class DigitsData
{
    /// <summary>Side length of a digit image in pixels.</summary>
    public const int Size = 8;

    /// <summary>Number of classes (digits 0-9).</summary>
    public const int ClassCount = 10;

    /// <summary>The largest grey level in the data.</summary>
    public const int MaxLevel = 16;

    private const string ResourceName = "DiffusionFramework.Image.digits.csv.gz";

    private static readonly Lazy<(byte[] Pixels, byte[] Labels)> Rows = new(ReadResource);

    /// <summary>Number of digits in the whole set.</summary>
    public static int Count => Rows.Value.Labels.Length;

    /// <summary>Whether row <paramref name="index"/> belongs to <paramref name="split"/>.</summary>
    public static bool InSplit(int index, DigitsSplit split) => split switch
    {
        DigitsSplit.All => true,
        DigitsSplit.Train => index % 4 != 3,
        DigitsSplit.Test => index % 4 == 3,
        _ => throw new ArgumentOutOfRangeException(nameof(split), split, "unknown digits split"),
    };

    /// <summary>
    /// The images of <paramref name="split"/> as float32 [N, 1, 8, 8] mapped to [-1, 1] (level / 16 * 2 - 1) and
    /// their labels as int64 [N], created on <paramref name="device"/>.
    /// </summary>
    public static (torch.Tensor Images, torch.Tensor Labels) Load(DigitsSplit split, torch.Device device)
    {
        (byte[] pixels, byte[] labels) = Rows.Value;
        int[] rows = Enumerable.Range(0, labels.Length).Where(i => InSplit(i, split)).ToArray();
        var values = new float[rows.Length * Size * Size];
        var classes = new long[rows.Length];
        for (int r = 0; r < rows.Length; r++)
        {
            int source = rows[r];
            for (int p = 0; p < Size * Size; p++)
                values[r * Size * Size + p] = pixels[source * Size * Size + p] / (float)MaxLevel * 2f - 1f;
            classes[r] = labels[source];
        }
        torch.Tensor images = torch.tensor(values, [rows.Length, 1, Size, Size], dtype: torch.float32, device: device);
        torch.Tensor labelTensor = torch.tensor(classes, dtype: torch.int64, device: device);
        return (images, labelTensor);
    }

    private static (byte[] Pixels, byte[] Labels) ReadResource()
    {
        using Stream stream = typeof(DigitsData).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidDataException($"the plugin assembly lacks its embedded resource '{ResourceName}'");
        using var gzip = new GZipStream(stream, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        var pixels = new List<byte>(1800 * Size * Size);
        var labels = new List<byte>(1800);
        int lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Length == 0)
                continue;
            string[] fields = line.Split(',');
            if (fields.Length != Size * Size + 1)
                throw new InvalidDataException($"{ResourceName}:{lineNumber}: expected {Size * Size + 1} fields, got {fields.Length}");
            for (int i = 0; i < fields.Length; i++)
            {
                int value = int.Parse(fields[i], NumberStyles.Integer, CultureInfo.InvariantCulture);
                int max = i < Size * Size ? MaxLevel : ClassCount - 1;
                if (value < 0 || value > max)
                    throw new InvalidDataException($"{ResourceName}:{lineNumber}: field {i + 1} is {value}, outside [0, {max}]");
                (i < Size * Size ? pixels : labels).Add((byte)value);
            }
        }
        return (pixels.ToArray(), labels.ToArray());
    }
}
