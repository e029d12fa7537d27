using System.Text.Json;
using System.Text.Json.Nodes;
using DiffusionFramework.Abstractions;
using Points2d.Distributions;

namespace Points2d;

/// <summary>
/// The network and data hyper-parameters of the points2d modality, read from the JSON object stored in checkpoints:
/// <c>distribution</c>, <c>dataset_size</c>, <c>hidden</c>, <c>layers</c>, <c>time_embedding_dim</c>,
/// <c>prediction_type</c>. Missing keys take the defaults below; other keys are ignored.
/// </summary>
/// <param name="Distribution">Name of the built-in distribution (<see cref="ToyDistributions"/>).</param>
/// <param name="DatasetSize">Points in the built-in dataset.</param>
/// <param name="Hidden">Width of the MLP's hidden layers.</param>
/// <param name="Layers">Number of hidden-to-hidden layers.</param>
/// <param name="TimeEmbeddingDim">Size of the sinusoidal timestep embedding.</param>
/// <param name="PredictionType">What the denoiser predicts.</param>
public sealed record Points2dConfig(string Distribution, int DatasetSize, int Hidden, int Layers,
    int TimeEmbeddingDim, PredictionType PredictionType)
{
    /// <summary>The configuration used when the user gives none.</summary>
    public static Points2dConfig Default { get; } =
        new(ToyDistributions.DefaultName, 20_000, 128, 3, 32, PredictionType.Epsilon);

    private static readonly (string Name, PredictionType Value)[] PredictionTypes =
        [("epsilon", PredictionType.Epsilon), ("v_prediction", PredictionType.VPrediction), ("sample", PredictionType.Sample),
         ("flow_prediction", PredictionType.Flow)];

    /// <summary>Reads a configuration, filling in defaults.</summary>
    /// <exception cref="ArgumentException">A value has the wrong type or is out of range; the message names the key.</exception>
    public static Points2dConfig FromJson(JsonObject json)
    {
        ArgumentNullException.ThrowIfNull(json);
        string distribution = ReadString(json, "distribution", Default.Distribution);
        ToyDistributions.Get(distribution);
        string prediction = ReadString(json, "prediction_type", "epsilon");
        int index = Array.FindIndex(PredictionTypes, p => p.Name == prediction);
        if (index < 0)
            throw new ArgumentException(
                $"prediction_type: unknown value '{prediction}'; valid: {string.Join(", ", PredictionTypes.Select(p => p.Name))}",
                nameof(json));
        return new Points2dConfig(
            distribution,
            ReadInt(json, "dataset_size", Default.DatasetSize, 1, 1_000_000),
            ReadInt(json, "hidden", Default.Hidden, 1, 4096),
            ReadInt(json, "layers", Default.Layers, 0, 32),
            ReadInt(json, "time_embedding_dim", Default.TimeEmbeddingDim, 2, 4096),
            PredictionTypes[index].Value);
    }

    /// <summary>Writes every key, so that a checkpoint's config.json is complete.</summary>
    public JsonObject ToJson() => new()
    {
        ["distribution"] = Distribution,
        ["dataset_size"] = DatasetSize,
        ["hidden"] = Hidden,
        ["layers"] = Layers,
        ["time_embedding_dim"] = TimeEmbeddingDim,
        ["prediction_type"] = PredictionTypes.First(p => p.Value == PredictionType).Name,
    };

    private static string ReadString(JsonObject json, string key, string fallback)
    {
        if (!json.TryGetPropertyValue(key, out JsonNode? node) || node is null)
            return fallback;
        if (node.GetValueKind() != JsonValueKind.String)
            throw new ArgumentException($"{key}: expected a string, got {node.ToJsonString()}", nameof(json));
        return node.GetValue<string>();
    }

    private static int ReadInt(JsonObject json, string key, int fallback, int min, int max)
    {
        if (!json.TryGetPropertyValue(key, out JsonNode? node) || node is null)
            return fallback;
        if (node.GetValueKind() != JsonValueKind.Number || !int.TryParse(node.ToJsonString(), out int value))
            throw new ArgumentException($"{key}: expected an integer, got {node.ToJsonString()}", nameof(json));
        if (value < min || value > max)
            throw new ArgumentException($"{key}: {value} is outside [{min}, {max}]", nameof(json));
        return value;
    }
}
