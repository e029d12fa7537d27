using System.Text.Json;
using System.Text.Json.Nodes;
using DiffusionFramework.Abstractions;
using DiffusionFramework.Core;
using DiffusionFramework.Core.Configuration;

namespace DiffusionFramework.Image;

/// <summary>Typed reads of <see cref="ImageConfig"/>'s keys with messages that name the key.</summary>
internal sealed class ImageConfigReader(JsonObject json)
{
    private readonly JsonConfigReader values = new(json);

    public int Int(string key, int fallback, int min, int max) => values.Int(key, fallback, min, max);

    public long Long(string key, long fallback, long min, long max) => values.Long(key, fallback, min, max);

    public bool Bool(string key, bool fallback) => values.Bool(key, fallback);

    public double Double(string key, double fallback) => values.Double(key, fallback);

    public PredictionType PredictionType(string key)
    {
        if (!json.TryGetPropertyValue(key, out JsonNode? node) || node is null)
            return Abstractions.PredictionType.Epsilon;
        if (node.GetValueKind() != JsonValueKind.String)
            throw new ArgumentException($"{key}: expected a string, got {node.ToJsonString()}");
        try
        {
            return PredictionTypes.Parse(node.GetValue<string>());
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"{key}: {e.Message}", e);
        }
    }

    /// <summary>Sets a U-Net key that follows from the image keys, or checks the value the user gave.</summary>
    public void Derive(JsonObject network, string key, int value)
    {
        if (network.TryGetPropertyValue(key, out JsonNode? given) && given is not null)
        {
            if (given.GetValueKind() != JsonValueKind.Number || given.ToJsonString() != value.ToString(System.Globalization.CultureInfo.InvariantCulture))
                throw new ArgumentException(
                    $"{key}: {given.ToJsonString()} disagrees with channels and scale, which make it {value}; leave it out");
            return;
        }
        network[key] = value;
    }
}
