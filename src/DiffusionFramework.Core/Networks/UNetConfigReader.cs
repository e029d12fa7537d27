using System.Text.Json;
using System.Text.Json.Nodes;

namespace DiffusionFramework.Core.Networks;

/// <summary>Reads typed values of <see cref="UNetConfig"/> from JSON, remembering which keys were read.</summary>
internal sealed class UNetConfigReader(JsonObject json, IEnumerable<string>? otherKeys)
{
    private readonly HashSet<string> known = new(otherKeys ?? [], StringComparer.Ordinal);

    public int Int(string key, int fallback, int min, int max) => Get(key) is { } node ? ParseInt(key, node, min, max) : fallback;

    public int? NullableInt(string key, int min, int max) => Get(key) is { } node ? ParseInt(key, node, min, max) : null;

    public double Double(string key, double fallback)
    {
        if (Get(key) is not { } node)
            return fallback;
        if (node.GetValueKind() != JsonValueKind.Number)
            throw Error(key, $"expected a number, got {node.ToJsonString()}");
        return node.GetValue<double>();
    }

    public bool Bool(string key, bool fallback)
    {
        if (Get(key) is not { } node)
            return fallback;
        return node.GetValueKind() switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Error(key, $"expected true or false, got {node.ToJsonString()}"),
        };
    }

    public IReadOnlyList<int> IntList(string key, IReadOnlyList<int> fallback, int min, int max)
    {
        if (Get(key) is not { } node)
            return fallback;
        if (node is not JsonArray array)
            throw Error(key, $"expected a list of integers, got {node.ToJsonString()}");
        if (array.Count > 64)
            throw Error(key, $"{array.Count} entries, at most 64 allowed");
        return [.. array.Select(item => item is null ? throw Error(key, "null entry") : ParseInt(key, item, min, max))];
    }

    /// <summary>Throws for the first key that was neither read nor listed as the caller's own.</summary>
    public void RejectUnknownKeys()
    {
        foreach (string key in json.Select(p => p.Key))
        {
            if (!known.Contains(key))
                throw Error(key, "unknown U-Net setting; known: " + string.Join(", ", new UNetConfig().ToJson().Select(p => p.Key)));
        }
    }

    private JsonNode? Get(string key)
    {
        known.Add(key);
        return json.TryGetPropertyValue(key, out JsonNode? node) ? node : null;
    }

    private static int ParseInt(string key, JsonNode node, int min, int max)
    {
        if (node.GetValueKind() != JsonValueKind.Number || !int.TryParse(node.ToJsonString(), out int value))
            throw Error(key, $"expected an integer, got {node.ToJsonString()}");
        if (value < min || value > max)
            throw Error(key, $"{value} is outside [{min}, {max}]");
        return value;
    }

    private static ArgumentException Error(string key, string problem) => new($"{key}: {problem}", "json");
}
