using System.Text.Json.Nodes;
using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Checkpoints;
using DiffusionFramework.Core.Schedules;

namespace DiffusionFramework.Core.Training;

/// <summary>Building a trainer from a plugin's modality.</summary>
public sealed partial class Trainer
{
    /// <summary>
    /// Prepares a run of a modality's own network, data and noise: the denoiser is built from
    /// <paramref name="networkConfig"/> on the options' device (and owned by the trainer), the dataset opened from
    /// <paramref name="dataPath"/>.
    /// </summary>
    /// <param name="modality">The plugin's modality.</param>
    /// <param name="networkConfig">Network hyper-parameters; the modality's defaults when null.</param>
    /// <param name="dataPath">The user's data, or null for the modality's built-in set.</param>
    /// <param name="scheduler">The noise schedule's diffusers settings.</param>
    /// <param name="options">The run's settings.</param>
    /// <param name="plugin">The plugin the modality comes from, recorded in checkpoints (plugin id = modality name when null).</param>
    public static Trainer ForModality(IModality modality, JsonObject? networkConfig, string? dataPath,
        SchedulerConfig scheduler, TrainerOptions options, PluginInfo? plugin = null)
    {
        ArgumentNullException.ThrowIfNull(modality);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        networkConfig ??= modality.DefaultNetworkConfig();
        IDiffusionDataset dataset = modality.OpenDataset(dataPath, networkConfig);
        IDenoiser denoiser = modality.CreateDenoiser(networkConfig, ParseDevice(options.Device));
        try
        {
            var template = new CheckpointConfig
            {
                PluginId = plugin?.Id ?? modality.Name,
                PluginVersion = plugin?.Version ?? "0.0.0",
                Modality = plugin?.Modality ?? modality.Name,
                Network = networkConfig.DeepClone().AsObject(),
            };
            return new Trainer(denoiser, dataset, modality.NoiseSampler, scheduler, options, template) { _ownsDenoiser = true };
        }
        catch
        {
            denoiser.Module.Dispose();
            throw;
        }
    }
}
