using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Checkpoints;
using DiffusionFramework.Core.Pipelines;
using DiffusionFramework.Hosting;
using TorchSharp;

namespace DiffusionFramework.Cli;

/// <summary>Finds checkpoints on disk and the loaded plugin that can run them.</summary>
public static class ModelResolver
{
    /// <summary>
    /// The checkpoint folder <paramref name="path"/> names: the folder itself when it holds config.json, else the
    /// newest <c>checkpoint-&lt;step&gt;</c> inside it (a training run's output folder).
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">Nothing is there.</exception>
    /// <exception cref="FileNotFoundException">The folder is neither a checkpoint nor a run folder.</exception>
    public static string CheckpointFolder(string path)
    {
        if (!Directory.Exists(path))
            throw new DirectoryNotFoundException($"checkpoint folder '{path}' does not exist");
        if (File.Exists(Path.Combine(path, Checkpoint.ConfigFileName)))
            return path;
        string? latest = Directory.EnumerateDirectories(path, "checkpoint-*")
            .Where(d => File.Exists(Path.Combine(d, Checkpoint.ConfigFileName)))
            .Select(d => (Dir: d, Step: long.TryParse(Path.GetFileName(d)["checkpoint-".Length..], out long s) ? s : -1))
            .Where(e => e.Step >= 0)
            .OrderBy(e => e.Step)
            .Select(e => e.Dir)
            .LastOrDefault();
        return latest ?? throw new FileNotFoundException(
            $"{Path.Combine(path, Checkpoint.ConfigFileName)}: missing; '{path}' is neither a checkpoint nor a training run folder");
    }

    /// <summary>Loads the model of a checkpoint (or run) folder through the host's plugins.</summary>
    public static DiffusionModel Load(DiffusionHost host, string path, torch.Device device, bool preferEma)
    {
        string folder = CheckpointFolder(path);
        return DiffusionModel.Load(folder, config => Resolve(host, config, folder), device, preferEma);
    }

    private static (IModality, PluginInfo) Resolve(DiffusionHost host, CheckpointConfig config, string folder)
    {
        IModality modality;
        try
        {
            modality = host.GetModality(config.Modality);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException(
                $"{Path.Combine(folder, Checkpoint.ConfigFileName)}: the checkpoint needs plugin '{config.PluginId}' " +
                $"{config.PluginVersion} (modality '{config.Modality}'), which is not loaded: {ErrorText.Of(e)}", e);
        }
        return (modality, host.PluginOf(modality));
    }
}
