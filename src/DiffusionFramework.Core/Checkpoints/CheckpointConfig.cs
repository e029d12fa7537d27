using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using DiffusionFramework.Abstractions;

namespace DiffusionFramework.Core.Checkpoints;

/// <summary>
/// The <c>config.json</c> of a checkpoint folder: which plugin and network it belongs to, how it was trained and
/// how to sample it. Serialised with snake_case keys; <see cref="Network"/> and <see cref="Scheduler"/> are kept
/// verbatim as JSON objects (the scheduler object uses diffusers' <c>scheduler_config.json</c> keys, so callers can
/// hand it to <c>SchedulerConfig.FromJson</c>).
/// </summary>
public sealed record CheckpointConfig
{
    /// <summary>The layout version this build writes and the newest it reads.</summary>
    public const int CurrentFormatVersion = 1;

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        RespectNullableAnnotations = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>The checkpoint layout version (<see cref="CurrentFormatVersion"/> when written by this build).</summary>
    public int FormatVersion { get; init; } = CurrentFormatVersion;

    /// <summary>The id of the plugin whose network this is (<see cref="PluginInfo.Id"/>).</summary>
    public required string PluginId { get; init; }

    /// <summary>The plugin's version at save time (<see cref="PluginInfo.Version"/>).</summary>
    public required string PluginVersion { get; init; }

    /// <summary>The modality name (<see cref="PluginInfo.Modality"/>).</summary>
    public required string Modality { get; init; }

    /// <summary>The network's hyper-parameters, as the plugin defines them.</summary>
    public JsonObject Network { get; init; } = new();

    /// <summary>The noise schedule and sampler settings with diffusers <c>scheduler_config.json</c> keys.</summary>
    public JsonObject Scheduler { get; init; } = new();

    /// <summary>What the network predicts: <c>"epsilon"</c>, <c>"v_prediction"</c> or <c>"sample"</c>.</summary>
    public string PredictionType { get; init; } = "epsilon";

    /// <summary>Where training stood when the checkpoint was saved.</summary>
    public CheckpointTrainingState Training { get; init; } = new();

    /// <summary>The program that wrote the checkpoint.</summary>
    public string CreatedBy { get; init; } = "DiffusionFramework";

    /// <summary>That program's version.</summary>
    public string CreatedByVersion { get; init; } =
        typeof(CheckpointConfig).Assembly.GetName().Version?.ToString() ?? "unknown";

    /// <summary><see cref="PredictionType"/> as the contract's enum (see <see cref="PredictionTypes.Parse"/>).</summary>
    /// <exception cref="ArgumentException">The string is not a valid <c>prediction_type</c>.</exception>
    public Abstractions.PredictionType ParsePredictionType() => PredictionTypes.Parse(PredictionType);

    /// <summary>The indented JSON text of this configuration.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Parses and validates a configuration; <paramref name="path"/> names the source in error messages.</summary>
    /// <exception cref="InvalidDataException">The text is not a valid configuration: <c>"&lt;path&gt;: &lt;problem&gt;"</c>.</exception>
    public static CheckpointConfig FromJson(string json, string path)
    {
        CheckpointConfig? config;
        try
        {
            config = JsonSerializer.Deserialize<CheckpointConfig>(json, JsonOptions);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a valid checkpoint config ({e.Message.ReplaceLineEndings(" ")})", e);
        }
        if (config is null)
            throw new InvalidDataException($"{path}: not a valid checkpoint config (the JSON is null)");
        string? problem = config.Problem();
        return problem is null ? config : throw new InvalidDataException($"{path}: {problem}");
    }

    /// <summary>What makes this configuration unusable, or null when it is valid.</summary>
    internal string? Problem()
    {
        if (FormatVersion < 1)
            return $"format_version {FormatVersion} is not a valid checkpoint format";
        if (FormatVersion > CurrentFormatVersion)
            return $"format_version {FormatVersion} was written by a newer DiffusionFramework; this build reads up to {CurrentFormatVersion}";
        if (string.IsNullOrWhiteSpace(PluginId))
            return "plugin_id is empty";
        if (!PredictionTypes.ConfigStrings.Contains(PredictionType))
            return $"prediction_type '{PredictionType}' is not one of {string.Join(", ", PredictionTypes.ConfigStrings)}";
        return Training.Step < 0 || Training.Epoch < 0 || Training.SamplesSeen < 0
            ? "training counters must not be negative"
            : null;
    }
}

/// <summary>The training progress stored in a checkpoint, enough to resume a run where it stopped.</summary>
public sealed record CheckpointTrainingState
{
    /// <summary>Optimizer steps taken.</summary>
    public long Step { get; init; }

    /// <summary>Completed passes over the dataset.</summary>
    public long Epoch { get; init; }

    /// <summary>Training samples consumed.</summary>
    public long SamplesSeen { get; init; }

    /// <summary>The run's seed, if it had one.</summary>
    public long? Seed { get; init; }

    /// <summary>The run generator's state (<c>Generator.get_state()</c> bytes), base64 in JSON.</summary>
    public byte[]? RngState { get; init; }

    /// <summary>The optimizer's name (e.g. <c>AdamW</c>); its tensors live in <c>optimizer.safetensors</c>.</summary>
    public string? Optimizer { get; init; }

    /// <summary>The optimizer's scalar state and hyper-parameters (learning rate, betas, step counts, ...).</summary>
    public JsonObject OptimizerScalars { get; init; } = new();
}
