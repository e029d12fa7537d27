using System.Text.Json.Nodes;
using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Checkpoints;
using DiffusionFramework.Core.Schedules;
using TorchSharp;

namespace DiffusionFramework.Core.Pipelines;

/// <summary>Reading a model back from a checkpoint folder, and the configuration that rebuilds it.</summary>
public sealed partial class DiffusionModel
{
    /// <summary>
    /// Rebuilds the model saved in <paramref name="folder"/>: reads <c>config.json</c>, asks
    /// <paramref name="resolve"/> for the modality and plugin it names, builds the network from the stored
    /// hyper-parameters and loads the weights (the EMA weights when present and <paramref name="preferEma"/>).
    /// </summary>
    /// <param name="folder">A checkpoint folder (config.json + model.safetensors [+ ema.safetensors]).</param>
    /// <param name="resolve">Finds the modality and plugin of a checkpoint (e.g. through the host); throws when they
    /// are not loaded.</param>
    /// <param name="device">Where the network goes.</param>
    /// <param name="preferEma">Use <c>ema.safetensors</c> when the checkpoint has it.</param>
    /// <exception cref="FileNotFoundException">A file of the checkpoint is missing.</exception>
    /// <exception cref="InvalidDataException">The config or weights are corrupt or do not fit the network; the message
    /// names the file.</exception>
    public static DiffusionModel Load(string folder, Func<CheckpointConfig, (IModality Modality, PluginInfo Plugin)> resolve,
        torch.Device device, bool preferEma = true)
    {
        ArgumentNullException.ThrowIfNull(resolve);
        CheckpointConfig config = Checkpoint.LoadConfig(folder);
        string configPath = Path.Combine(folder, Checkpoint.ConfigFileName);
        (IModality modality, PluginInfo plugin) = resolve(config);
        if (!string.Equals(plugin.Id, config.PluginId, StringComparison.Ordinal))
            throw new InvalidDataException(
                $"{configPath}: the checkpoint was made by plugin '{config.PluginId}', but modality '{config.Modality}' " +
                $"is provided by plugin '{plugin.Id}'");
        SchedulerConfig scheduler;
        try
        {
            scheduler = SchedulerConfig.FromJson(config.Scheduler.ToJsonString());
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{configPath}: scheduler: {e.Message}", e);
        }
        DiffusionModel model;
        try
        {
            model = Create(modality, plugin, device, config.Network, scheduler);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{configPath}: network: {e.Message}", e);
        }
        try
        {
            if (PredictionTypes.ToConfigString(model.Denoiser.PredictionType) != config.PredictionType)
                throw new InvalidDataException(
                    $"{configPath}: prediction_type is '{config.PredictionType}' but the network predicts " +
                    $"'{PredictionTypes.ToConfigString(model.Denoiser.PredictionType)}'");
            string ema = Path.Combine(folder, Checkpoint.EmaFileName);
            string weights = preferEma && File.Exists(ema) ? ema : Path.Combine(folder, Checkpoint.ModelFileName);
            if (!File.Exists(weights))
                throw new FileNotFoundException($"{weights}: missing from the checkpoint", weights);
            ModuleWeights.LoadInto(weights, model.Denoiser.Module);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Writes an inference-only checkpoint of this model to <paramref name="folder"/>: <c>config.json</c> (no training
    /// state) and <c>model.safetensors</c> holding the weights the model runs with now (the EMA weights when it was
    /// loaded with them). No EMA copy, no optimizer state: the form to publish or ship a trained model in.
    /// </summary>
    /// <exception cref="IOException"><paramref name="folder"/> exists and is not a checkpoint folder.</exception>
    public void SaveForInference(string folder) =>
        Checkpoint.Save(folder, ToCheckpointConfig(), Denoiser.Module);

    /// <summary>The <c>config.json</c> content that rebuilds this model, with <paramref name="training"/> state.</summary>
    public CheckpointConfig ToCheckpointConfig(CheckpointTrainingState? training = null) => new()
    {
        PluginId = Plugin.Id,
        PluginVersion = Plugin.Version,
        Modality = Modality.Name,
        Network = (JsonObject)NetworkConfig.DeepClone(),
        Scheduler = JsonNode.Parse(Scheduler.ToJson())!.AsObject(),
        PredictionType = PredictionTypes.ToConfigString(Denoiser.PredictionType),
        Training = training ?? new CheckpointTrainingState(),
    };
}
