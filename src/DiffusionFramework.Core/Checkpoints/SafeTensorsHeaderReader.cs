using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace DiffusionFramework.Core.Checkpoints;

/// <summary>
/// Reads and validates a safetensors header: an 8-byte little-endian length N, then N bytes of UTF-8 JSON
/// mapping each tensor name to <c>{"dtype", "shape", "data_offsets"}</c>, plus an optional <c>__metadata__</c>
/// string map. The tensors must tile the rest of the file exactly, without gaps or overlaps.
/// </summary>
/// <remarks>
/// Every check runs before any tensor is allocated, and the only allocation sized by the file is the header itself,
/// capped at <see cref="SafeTensorsHeader.MaxHeaderBytes"/> and at the file's length.
/// </remarks>
internal static class SafeTensorsHeaderReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Reads the header from the start of <paramref name="stream"/>, leaving it positioned after it.</summary>
    public static SafeTensorsHeader Read(Stream stream, string path)
    {
        long fileLength = stream.Length;
        if (fileLength < 8)
            throw SafeTensorsHeader.Invalid(path, $"file is {fileLength} bytes, shorter than the 8-byte header length");
        Span<byte> prefix = stackalloc byte[8];
        stream.ReadExactly(prefix);
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (n > SafeTensorsHeader.MaxHeaderBytes)
            throw SafeTensorsHeader.Invalid(path, $"header length {n} exceeds the {SafeTensorsHeader.MaxHeaderBytes}-byte limit");
        if (n > (ulong)(fileLength - 8))
            throw SafeTensorsHeader.Invalid(path, $"header length {n} exceeds the {fileLength - 8} bytes that follow it (truncated file?)");

        byte[] json = new byte[n];
        stream.ReadExactly(json);
        long dataLength = fileLength - 8 - (long)n;
        var (entries, metadata) = Parse(json, path);
        CheckCoverage(entries, dataLength, path);
        return new SafeTensorsHeader(entries, metadata, 8 + (long)n);
    }

    private static (List<SafeTensorsEntry>, Dictionary<string, string>) Parse(byte[] json, string path)
    {
        try
        {
            StrictUtf8.GetCharCount(json);
        }
        catch (DecoderFallbackException)
        {
            throw SafeTensorsHeader.Invalid(path, "header is not valid UTF-8");
        }
        if (json.Length == 0 || json[0] != (byte)'{')
            throw SafeTensorsHeader.Invalid(path, "header does not start with '{'");

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw SafeTensorsHeader.Invalid(path, $"header is not valid JSON ({e.Message})");
        }
        using (document)
        {
            var entries = new List<SafeTensorsEntry>();
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (JsonProperty property in document.RootElement.EnumerateObject())
            {
                if (!seen.Add(property.Name))
                    throw SafeTensorsHeader.Invalid(path, $"header lists '{property.Name}' twice");
                if (property.Name == SafeTensorsHeader.MetadataKey)
                    ReadMetadata(property.Value, metadata, path);
                else
                    entries.Add(ReadEntry(property.Name, property.Value, path));
            }
            return (entries, metadata);
        }
    }

    private static void ReadMetadata(JsonElement value, Dictionary<string, string> metadata, string path)
    {
        if (value.ValueKind == JsonValueKind.Null)
            return;
        if (value.ValueKind != JsonValueKind.Object)
            throw SafeTensorsHeader.Invalid(path, "__metadata__ is not an object of strings");
        foreach (JsonProperty item in value.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
                throw SafeTensorsHeader.Invalid(path, $"__metadata__ value of '{item.Name}' is not a string");
            if (!metadata.TryAdd(item.Name, item.Value.GetString()!))
                throw SafeTensorsHeader.Invalid(path, $"__metadata__ lists '{item.Name}' twice");
        }
    }

    private static SafeTensorsEntry ReadEntry(string name, JsonElement value, string path)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw SafeTensorsHeader.Invalid(path, $"tensor '{name}' is not described by an object");
        JsonElement? dtypeElement = null, shapeElement = null, offsetsElement = null;
        foreach (JsonProperty field in value.EnumerateObject())
        {
            // Fields the format does not define are ignored, as the reference reader does.
            switch (field.Name)
            {
                case "dtype": Assign(ref dtypeElement, field, name, path); break;
                case "shape": Assign(ref shapeElement, field, name, path); break;
                case "data_offsets": Assign(ref offsetsElement, field, name, path); break;
            }
        }

        if (dtypeElement is not { ValueKind: JsonValueKind.String } dtypeValue)
            throw SafeTensorsHeader.Invalid(path, $"tensor '{name}' has no string 'dtype'");
        string dtypeName = dtypeValue.GetString()!;
        if (!SafeTensorsDTypes.TryParse(dtypeName, out SafeTensorsDType dtype))
            throw SafeTensorsHeader.Invalid(path,
                $"tensor '{name}' has unknown or unsupported dtype '{dtypeName}' (supported: {SafeTensorsDTypes.ValidNames})");

        long[] shape = ReadIntegers(shapeElement, name, "shape", path);
        if (shape.Length > SafeTensorsHeader.MaxDimensions)
            throw SafeTensorsHeader.Invalid(path, $"tensor '{name}' has {shape.Length} dimensions, more than {SafeTensorsHeader.MaxDimensions}");
        long[] offsets = ReadIntegers(offsetsElement, name, "data_offsets", path);
        if (offsets.Length != 2 || offsets[1] < offsets[0])
            throw SafeTensorsHeader.Invalid(path, $"tensor '{name}' has data_offsets {SafeTensorsEntry.FormatShape(offsets)}, not [begin,end] with begin <= end");

        var entry = new SafeTensorsEntry(name, dtype, shape, offsets[0], offsets[1]);
        long expected;
        try
        {
            expected = checked(shape.Aggregate(1L, (count, dim) => count * dim) * dtype.Size());
        }
        catch (OverflowException)
        {
            throw SafeTensorsHeader.Invalid(path, $"tensor '{name}' has shape {entry.ShapeText}, whose byte size overflows");
        }
        if (expected != entry.ByteLength)
            throw SafeTensorsHeader.Invalid(path,
                $"tensor '{name}' is {dtypeName} {entry.ShapeText} = {expected} bytes, but its data_offsets [{entry.Begin},{entry.End}] span {entry.ByteLength}");
        return entry;
    }

    private static void Assign(ref JsonElement? slot, JsonProperty field, string name, string path)
    {
        if (slot is not null)
            throw SafeTensorsHeader.Invalid(path, $"tensor '{name}' lists '{field.Name}' twice");
        slot = field.Value;
    }

    private static long[] ReadIntegers(JsonElement? element, string name, string field, string path)
    {
        if (element is not { ValueKind: JsonValueKind.Array } array)
            throw SafeTensorsHeader.Invalid(path, $"tensor '{name}' has no '{field}' array");
        var values = new long[array.GetArrayLength()];
        int i = 0;
        foreach (JsonElement item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out long v) || v < 0)
                throw SafeTensorsHeader.Invalid(path, $"tensor '{name}' has a '{field}' entry that is not a non-negative integer: {item.GetRawText()}");
            values[i++] = v;
        }
        return values;
    }

    /// <summary>The tensors, sorted by offset, must tile [0, dataLength) exactly.</summary>
    private static void CheckCoverage(List<SafeTensorsEntry> entries, long dataLength, string path)
    {
        entries.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin)
            : a.End != b.End ? a.End.CompareTo(b.End) : string.CompareOrdinal(a.Name, b.Name));
        long position = 0;
        foreach (SafeTensorsEntry e in entries)
        {
            if (e.Begin < position)
                throw SafeTensorsHeader.Invalid(path, $"tensor '{e.Name}' at bytes [{e.Begin},{e.End}] overlaps the tensor before it, which ends at {position}");
            if (e.Begin > position)
                throw SafeTensorsHeader.Invalid(path, $"{e.Begin - position} bytes before tensor '{e.Name}' (bytes [{position},{e.Begin}]) belong to no tensor");
            position = e.End;
        }
        if (position > dataLength)
            throw SafeTensorsHeader.Invalid(path, $"tensors need {position} bytes after the header but the file holds {dataLength} (truncated file?)");
        if (position < dataLength)
            throw SafeTensorsHeader.Invalid(path, $"{dataLength - position} bytes at the end of the file belong to no tensor");
    }
}
