using System.Text.Json;
using System.Text.Json.Nodes;

namespace DiffusionFramework.Core.Configuration;

/// <summary>
/// Typed reads of a JSON configuration (a checkpoint's network settings) whose errors name the key, remembering which
/// keys were read so that unknown ones can be refused. Shared by the engine's and the plugins' config records.
/// </summary>
public sealed class JsonConfigReader(JsonObject json, IEnumerable<string>? otherKeys = null)
{
    private readonly HashSet<string> known = new(otherKeys ?? [], StringComparer.Ordinal);

    /// <summary>The integer at <paramref name="key"/> in [<paramref name="min"/>, <paramref name="max"/>], or the fallback when absent.</summary>
    /// <exception cref="ArgumentException">Not an integer, or out of range.</exception>
    public int Int(string key, int fallback, int min, int max) => (int)Long(key, fallback, min, max);

    /// <summary>The integer at <paramref name="key"/> in [<paramref name="min"/>, <paramref name="max"/>], or the fallback when absent.</summary>
    /// <exception cref="ArgumentException">Not an integer, or out of range.</exception>
    public long Long(string key, long fallback, long min, long max) => Get(key) is { } node ? ParseLong(key, node, min, max) : fallback;

    /// <summary>The integer at <paramref name="key"/>, or null when absent.</summary>
    /// <exception cref="ArgumentException">Not an integer, or out of range.</exception>
    public int? NullableInt(string key, int min, int max) => Get(key) is { } node ? (int)ParseLong(key, node, min, max) : null;

    /// <summary>The number at <paramref name="key"/>, or the fallback when absent.</summary>
    /// <exception cref="ArgumentException">Not a number.</exception>
    public double Double(string key, double fallback)
    {
        if (Get(key) is not { } node)
            return fallback;
        if (node.GetValueKind() != JsonValueKind.Number)
            throw Error(key, $"expected a number, got {node.ToJsonString()}");
        return node.GetValue<double>();
    }

    /// <summary>The boolean at <paramref name="key"/>, or the fallback when absent.</summary>
    /// <exception cref="ArgumentException">Not true or false.</exception>
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

    /// <summary>The list of integers at <paramref name="key"/> (at most 64), or the fallback when absent.</summary>
    /// <exception cref="ArgumentException">Not a list of integers in range.</exception>
    public IReadOnlyList<int> IntList(string key, IReadOnlyList<int> fallback, int min, int max)
    {
        if (Get(key) is not { } node)
            return fallback;
        if (node is not JsonArray array)
            throw Error(key, $"expected a list of integers, got {node.ToJsonString()}");
        if (array.Count > 64)
            throw Error(key, $"{array.Count} entries, at most 64 allowed");
        return [.. array.Select(item => item is null ? throw Error(key, "null entry") : (int)ParseLong(key, item, min, max))];
    }

    /// <summary>Throws for the first key that was neither read nor listed as the caller's own.</summary>
    /// <param name="setting">What a key is, for the message (e.g. "U-Net setting").</param>
    /// <param name="validKeys">The keys to list in the message.</param>
    public void RejectUnknownKeys(string setting, IEnumerable<string> validKeys)
    {
        foreach (string key in json.Select(p => p.Key))
        {
            if (!known.Contains(key))
                throw Error(key, $"unknown {setting}; known: " + string.Join(", ", validKeys));
        }
    }

    private JsonNode? Get(string key)
    {
        known.Add(key);
        return json.TryGetPropertyValue(key, out JsonNode? node) ? node : null;
    }

    private static long ParseLong(string key, JsonNode node, long min, long max)
    {
        if (node.GetValueKind() != JsonValueKind.Number || !long.TryParse(node.ToJsonString(), out long value))
            throw Error(key, $"expected an integer, got {node.ToJsonString()}");
        if (value < min || value > max)
            throw Error(key, $"{value} is outside [{min}, {max}]");
        return value;
    }

    private static ArgumentException Error(string key, string problem) => new($"{key}: {problem}", "json");
}
