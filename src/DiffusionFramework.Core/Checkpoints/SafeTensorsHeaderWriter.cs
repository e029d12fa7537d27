using System.Text;

namespace DiffusionFramework.Core.Checkpoints;

/// <summary>
/// Lays out and serialises a safetensors header byte for byte as the reference writer does
/// (huggingface/safetensors <c>tensor.rs</c>, <c>prepare</c>; the Python <c>save_file</c> calls it): tensors sorted by
/// dtype descending in the specification's <c>Dtype</c> order, then by name; offsets assigned contiguously in that
/// order; compact JSON as serde_json writes it, <c>__metadata__</c> first; spaces appended up to a multiple of 8 bytes.
/// </summary>
/// <remarks>
/// The reference keeps metadata in a hash map, so its order among several metadata keys is arbitrary; here metadata
/// keys are written in ordinal order, which makes our output deterministic and identical whenever there is at most
/// one metadata key (the usual <c>{"format": "pt"}</c>).
/// </remarks>
internal static class SafeTensorsHeaderWriter
{
    /// <summary>Orders tensors as the reference writer does and assigns their data offsets.</summary>
    public static List<SafeTensorsEntry> Layout(IEnumerable<(string Name, SafeTensorsDType DType, long[] Shape)> tensors)
    {
        var ordered = tensors
            .OrderByDescending(t => t.DType)
            .ThenBy(t => t.Name, Utf8Ordinal.Instance)
            .ToList();
        var entries = new List<SafeTensorsEntry>(ordered.Count);
        long offset = 0;
        foreach (var (name, dtype, shape) in ordered)
        {
            long length = checked(shape.Aggregate(1L, (count, dim) => count * dim) * dtype.Size());
            entries.Add(new SafeTensorsEntry(name, dtype, shape, offset, offset + length));
            offset += length;
        }
        return entries;
    }

    /// <summary>The header bytes: the JSON object padded with spaces to a multiple of 8 (without the length prefix).</summary>
    public static byte[] Serialize(IReadOnlyList<SafeTensorsEntry> entries, IReadOnlyDictionary<string, string>? metadata)
    {
        var json = new StringBuilder("{");
        if (metadata is not null)
        {
            json.Append('"').Append(SafeTensorsHeader.MetadataKey).Append("\":{");
            bool first = true;
            foreach (var (key, value) in metadata.OrderBy(p => p.Key, Utf8Ordinal.Instance))
            {
                json.Append(first ? "" : ",");
                AppendString(json, key).Append(':');
                AppendString(json, value);
                first = false;
            }
            json.Append('}').Append(entries.Count > 0 ? "," : "");
        }
        for (int i = 0; i < entries.Count; i++)
        {
            SafeTensorsEntry e = entries[i];
            json.Append(i > 0 ? "," : "");
            AppendString(json, e.Name)
                .Append(":{\"dtype\":\"").Append(e.DType.Name())
                .Append("\",\"shape\":").Append(e.ShapeText)
                .Append(",\"data_offsets\":[").Append(e.Begin).Append(',').Append(e.End).Append("]}");
        }
        json.Append('}');
        int length = Encoding.UTF8.GetByteCount(json.ToString());
        json.Append(' ', (8 - length % 8) % 8);
        return Encoding.UTF8.GetBytes(json.ToString());
    }

    /// <summary>Appends a JSON string escaped as serde_json does: quote, backslash and control characters only.</summary>
    private static StringBuilder AppendString(StringBuilder json, string value)
    {
        json.Append('"');
        foreach (char c in value)
        {
            switch (c)
            {
                case '"': json.Append("\\\""); break;
                case '\\': json.Append("\\\\"); break;
                case '\b': json.Append("\\b"); break;
                case '\f': json.Append("\\f"); break;
                case '\n': json.Append("\\n"); break;
                case '\r': json.Append("\\r"); break;
                case '\t': json.Append("\\t"); break;
                case < ' ': json.Append("\\u00").Append(((int)c).ToString("x2")); break;
                default: json.Append(c); break;
            }
        }
        return json.Append('"');
    }

    /// <summary>Compares strings by their UTF-8 bytes, as Rust's <c>String</c> ordering does.</summary>
    private sealed class Utf8Ordinal : IComparer<string>
    {
        public static Utf8Ordinal Instance { get; } = new();

        public int Compare(string? x, string? y) =>
            Encoding.UTF8.GetBytes(x ?? "").AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(y ?? ""));
    }
}
