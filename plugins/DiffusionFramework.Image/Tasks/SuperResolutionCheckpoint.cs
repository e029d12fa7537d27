using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Checkpoints;
using DiffusionFramework.Core.Pipelines;
using TorchSharp;

namespace DiffusionFramework.Image.Tasks;

/// <summary>Loads the super-resolution checkpoint a task verb is given, refusing other plugins' and non-SR checkpoints.</summary>
internal static class SuperResolutionCheckpoint
{
    /// <summary>The model in <paramref name="folder"/> on <paramref name="device"/> and its image configuration.</summary>
    /// <exception cref="InvalidDataException">Another plugin's checkpoint, or an image model with scale 0; the message
    /// names the folder and <paramref name="verb"/>.</exception>
    public static (DiffusionModel Model, ImageConfig Config) Load(string folder, torch.Device device, string verb)
    {
        var modality = new ImageModality();
        PluginInfo plugin = new ImagePlugin().Info;
        DiffusionModel model = DiffusionModel.Load(folder, config => config.PluginId == plugin.Id && config.Modality == modality.Name
            ? (modality, plugin)
            : throw new InvalidDataException(
                $"{folder}: a checkpoint of plugin '{config.PluginId}' (modality '{config.Modality}'); {verb} needs an " +
                $"image super-resolution checkpoint of plugin '{plugin.Id}'"), device);
        ImageConfig sr = ImageConfig.FromJson(model.NetworkConfig);
        if (sr.IsSuperResolution)
            return (model, sr);
        model.Dispose();
        throw new InvalidDataException($"{folder}: not a super-resolution model (scale 0); {verb} needs one with scale >= 2");
    }
}
