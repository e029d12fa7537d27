using DiffusionFramework.Abstractions;

namespace DiffusionFramework.Core;

/// <summary>Converts <see cref="PredictionType"/> to and from diffusers' <c>prediction_type</c> strings.</summary>
public static class PredictionTypes
{
    /// <summary>The strings this engine accepts: "epsilon", "v_prediction", "sample", "flow_prediction".</summary>
    public static IReadOnlyList<string> ConfigStrings { get; } = ["epsilon", "v_prediction", "sample", "flow_prediction"];

    /// <summary>Parses a <c>prediction_type</c> string (exact, as diffusers writes it).</summary>
    /// <exception cref="ArgumentException">Any other string; the message lists the valid ones.</exception>
    public static PredictionType Parse(string value) => value switch
    {
        "epsilon" => PredictionType.Epsilon,
        "v_prediction" => PredictionType.VPrediction,
        "sample" => PredictionType.Sample,
        "flow_prediction" => PredictionType.Flow,
        _ => throw new ArgumentException(
            $"unsupported prediction_type \"{value}\"; valid values are {string.Join(", ", ConfigStrings.Select(s => $"\"{s}\""))}.",
            nameof(value)),
    };

    /// <summary>The diffusers string of <paramref name="type"/>.</summary>
    public static string ToConfigString(PredictionType type) => type switch
    {
        PredictionType.Epsilon => "epsilon",
        PredictionType.VPrediction => "v_prediction",
        PredictionType.Sample => "sample",
        PredictionType.Flow => "flow_prediction",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown prediction type"),
    };
}
