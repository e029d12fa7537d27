using System.Text.Json;
using System.Text.Json.Nodes;

namespace DiffusionFramework.Cli;

/// <summary>Parses repeated <c>key=value</c> options (<c>--network hidden=256</c>, <c>--set class=3</c>).</summary>
public static class KeyValueOptions
{
    /// <summary>Splits each <c>key=value</c>; a later key wins.</summary>
    /// <exception cref="ArgumentException">An item has no '=' or an empty key; the message names the option.</exception>
    public static Dictionary<string, string> Parse(IEnumerable<string>? items, string optionName)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string item in items ?? [])
        {
            int eq = item.IndexOf('=');
            if (eq <= 0)
                throw new ArgumentException($"{optionName} '{item}': expected key=value.");
            result[item[..eq].Trim()] = item[(eq + 1)..].Trim();
        }
        return result;
    }

    /// <summary>
    /// Sets each pair on a copy of <paramref name="config"/>: a value that parses as JSON (numbers, true/false,
    /// arrays) is stored as that JSON, anything else as a string.
    /// </summary>
    public static JsonObject ApplyTo(JsonObject config, IReadOnlyDictionary<string, string> pairs)
    {
        var copy = (JsonObject)config.DeepClone();
        foreach ((string key, string value) in pairs)
            copy[key] = ParseValue(value);
        return copy;
    }

    private static JsonNode? ParseValue(string value)
    {
        try
        {
            return JsonNode.Parse(value);
        }
        catch (JsonException)
        {
            return JsonValue.Create(value);
        }
    }
}
