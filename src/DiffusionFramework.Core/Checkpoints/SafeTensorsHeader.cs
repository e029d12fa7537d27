namespace DiffusionFramework.Core.Checkpoints;

/// <summary>One tensor of a safetensors file, as its header describes it.</summary>
/// <param name="Name">The tensor's key (a state_dict key such as <c>fc1.weight</c>).</param>
/// <param name="DType">The element type.</param>
/// <param name="Shape">The dimensions, row-major; empty for a scalar.</param>
/// <param name="Begin">Offset of the first byte, relative to the start of the byte buffer after the header.</param>
/// <param name="End">Offset one past the last byte; <c>End - Begin</c> = element count times element size.</param>
public sealed record SafeTensorsEntry(string Name, SafeTensorsDType DType, IReadOnlyList<long> Shape, long Begin, long End)
{
    /// <summary>The number of bytes the tensor occupies.</summary>
    public long ByteLength => End - Begin;

    /// <summary>The shape as <c>[64,2]</c>, the form used in error messages.</summary>
    public string ShapeText => FormatShape(Shape);

    /// <summary>Formats a shape as <c>[64,2]</c> (<c>[]</c> for a scalar).</summary>
    public static string FormatShape(IEnumerable<long> shape) => "[" + string.Join(",", shape) + "]";
}

/// <summary>The validated header of a safetensors file: every tensor ordered by offset, and the free-form metadata.</summary>
/// <param name="Tensors">The tensors in the order their bytes appear in the file.</param>
/// <param name="Metadata">The <c>__metadata__</c> string map (empty when the file has none).</param>
/// <param name="DataStart">Absolute file offset of the byte buffer: 8 + the header length.</param>
public sealed record SafeTensorsHeader(
    IReadOnlyList<SafeTensorsEntry> Tensors,
    IReadOnlyDictionary<string, string> Metadata,
    long DataStart)
{
    /// <summary>The largest header the reference implementation accepts (<c>MAX_HEADER_SIZE</c>, 100 MB).</summary>
    public const long MaxHeaderBytes = 100_000_000;

    /// <summary>The header key that holds the metadata map instead of a tensor.</summary>
    public const string MetadataKey = "__metadata__";

    /// <summary>The largest number of dimensions accepted for one tensor.</summary>
    public const int MaxDimensions = 64;

    /// <summary>The error thrown for any malformed file: <c>"&lt;path&gt;: &lt;problem&gt;"</c>.</summary>
    internal static InvalidDataException Invalid(string path, string problem) => new($"{path}: {problem}");
}
