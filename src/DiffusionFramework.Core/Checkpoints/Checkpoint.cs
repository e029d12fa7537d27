using DiffusionFramework.Core.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionFramework.Core.Checkpoints;

/// <summary>
/// A checkpoint folder: <c>config.json</c> (<see cref="CheckpointConfig"/>), <c>model.safetensors</c> (the network's
/// state dict, PyTorch key names), and optionally <c>ema.safetensors</c> and <c>optimizer.safetensors</c>.
/// </summary>
/// <remarks>
/// Saving is atomic at folder level: the whole checkpoint is written beside the destination and renamed into place,
/// and an existing checkpoint is only removed once the new one is complete (see <c>Save</c>).
/// </remarks>
public static class Checkpoint
{
    /// <summary>The configuration file's name.</summary>
    public const string ConfigFileName = "config.json";

    /// <summary>The network weights' file name.</summary>
    public const string ModelFileName = "model.safetensors";

    /// <summary>The EMA weights' file name.</summary>
    public const string EmaFileName = "ema.safetensors";

    /// <summary>The optimizer tensors' file name.</summary>
    public const string OptimizerFileName = "optimizer.safetensors";

    /// <summary>The largest <c>config.json</c> read, so that a wrong file cannot exhaust memory.</summary>
    public const long MaxConfigBytes = 16L << 20;

    /// <summary>The safetensors metadata PyTorch tooling (transformers, diffusers) writes and expects on weights.</summary>
    private static readonly Dictionary<string, string> PyTorchMetadata = new() { ["format"] = "pt" };

    /// <summary>
    /// Saves a checkpoint of modules to <paramref name="folder"/>: their <c>state_dict()</c>s, as
    /// <see cref="Save(string, CheckpointConfig, IReadOnlyDictionary{string, Tensor}, IReadOnlyDictionary{string, Tensor}?, IReadOnlyDictionary{string, Tensor}?)"/>.
    /// </summary>
    public static void Save(
        string folder,
        CheckpointConfig config,
        nn.Module model,
        nn.Module? ema = null,
        IReadOnlyDictionary<string, Tensor>? optimizerState = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        Save(folder, config, model.state_dict(), ema?.state_dict(), optimizerState);
    }

    /// <summary>
    /// Saves a checkpoint to <paramref name="folder"/>, creating or replacing it. Nothing the folder held is lost
    /// unless the new checkpoint was written completely; an existing folder that is not a checkpoint (no
    /// <c>config.json</c>) is never replaced.
    /// </summary>
    /// <param name="folder">The checkpoint folder.</param>
    /// <param name="config">The configuration to store as <c>config.json</c>.</param>
    /// <param name="model">The network's state dict, stored as <c>model.safetensors</c>.</param>
    /// <param name="ema">The EMA weights (same keys), stored as <c>ema.safetensors</c> when given.</param>
    /// <param name="optimizerState">Optimizer tensors, stored as <c>optimizer.safetensors</c> when given.</param>
    public static void Save(
        string folder,
        CheckpointConfig config,
        IReadOnlyDictionary<string, Tensor> model,
        IReadOnlyDictionary<string, Tensor>? ema,
        IReadOnlyDictionary<string, Tensor>? optimizerState)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(model);
        if (config.Problem() is { } problem)
            throw new ArgumentException($"invalid checkpoint config: {problem}", nameof(config));
        CheckpointFolder.Write(
            folder,
            existing => File.Exists(Path.Combine(existing, ConfigFileName)) ? null : $"it is not a checkpoint folder (no {ConfigFileName})",
            temp =>
            {
                SafeTensors.Write(Path.Combine(temp, ModelFileName), model, PyTorchMetadata);
                if (ema is not null)
                    SafeTensors.Write(Path.Combine(temp, EmaFileName), ema, PyTorchMetadata);
                if (optimizerState is not null)
                    SafeTensors.Write(Path.Combine(temp, OptimizerFileName), optimizerState);
                AtomicFile.Write(Path.Combine(temp, ConfigFileName),
                    stream => stream.Write(System.Text.Encoding.UTF8.GetBytes(config.ToJson() + "\n")));
            });
    }

    /// <summary>Reads and validates <c>config.json</c> only.</summary>
    /// <param name="folder">The checkpoint folder.</param>
    /// <param name="expectedPluginId">When given, the checkpoint must belong to this plugin.</param>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">It has no <c>config.json</c>.</exception>
    /// <exception cref="InvalidDataException">The configuration is invalid or belongs to another plugin.</exception>
    public static CheckpointConfig LoadConfig(string folder, string? expectedPluginId = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        if (!Directory.Exists(folder))
            throw CheckpointFolder.Missing(folder);
        string path = Path.Combine(folder, ConfigFileName);
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path}: missing; {folder} is not a checkpoint folder", path);
        long length = new FileInfo(path).Length;
        if (length > MaxConfigBytes)
            throw new InvalidDataException($"{path}: {length} bytes, more than the {MaxConfigBytes} a checkpoint config may have");
        CheckpointConfig config = CheckpointConfig.FromJson(File.ReadAllText(path), path);
        if (expectedPluginId is not null && config.PluginId != expectedPluginId)
            throw new InvalidDataException(
                $"{path}: checkpoint belongs to plugin '{config.PluginId}' {config.PluginVersion}, not '{expectedPluginId}'");
        return config;
    }

    /// <summary>Reads a whole checkpoint: configuration and state dicts, with tensors on <paramref name="device"/>.</summary>
    /// <param name="folder">The checkpoint folder.</param>
    /// <param name="device">Where the tensors go (CPU when null).</param>
    /// <param name="expectedPluginId">When given, the checkpoint must belong to this plugin.</param>
    public static LoadedCheckpoint Load(string folder, Device? device = null, string? expectedPluginId = null)
    {
        CheckpointConfig config = LoadConfig(folder, expectedPluginId);
        using var scope = NewDisposeScope();
        Dictionary<string, Tensor> model = SafeTensors.Read(RequiredFile(folder, ModelFileName), device);
        Dictionary<string, Tensor>? ema = ReadOptional(folder, EmaFileName, device);
        Dictionary<string, Tensor>? optimizer = ReadOptional(folder, OptimizerFileName, device);
        foreach (Tensor tensor in new[] { model, ema, optimizer }.SelectMany(d => d?.Values.AsEnumerable() ?? []))
            tensor.MoveToOuterDisposeScope();
        return new LoadedCheckpoint(config, model, ema, optimizer);
    }

    /// <summary>
    /// Loads a checkpoint's weights into existing modules in place, after checking that every key exists on both
    /// sides and every shape matches.
    /// </summary>
    /// <param name="folder">The checkpoint folder.</param>
    /// <param name="model">Receives <c>model.safetensors</c>.</param>
    /// <param name="ema">Receives <c>ema.safetensors</c> when given (which must then exist).</param>
    /// <param name="expectedPluginId">When given, the checkpoint must belong to this plugin.</param>
    /// <returns>The checkpoint's configuration.</returns>
    /// <exception cref="InvalidDataException">
    /// Keys or shapes differ: <c>"&lt;folder&gt;/model.safetensors: tensor 'fc1.weight' has shape [64,2] but the network
    /// expects [128,2]"</c>, with missing and unexpected keys listed.
    /// </exception>
    public static CheckpointConfig LoadInto(string folder, nn.Module model, nn.Module? ema = null, string? expectedPluginId = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        CheckpointConfig config = LoadConfig(folder, expectedPluginId);
        ModuleWeights.LoadInto(RequiredFile(folder, ModelFileName), model);
        if (ema is not null)
            ModuleWeights.LoadInto(RequiredFile(folder, EmaFileName), ema);
        return config;
    }

    private static string RequiredFile(string folder, string name)
    {
        string path = Path.Combine(folder, name);
        return File.Exists(path) ? path : throw new FileNotFoundException($"{path}: missing from the checkpoint", path);
    }

    private static Dictionary<string, Tensor>? ReadOptional(string folder, string name, Device? device)
    {
        string path = Path.Combine(folder, name);
        return File.Exists(path) ? SafeTensors.Read(path, device) : null;
    }
}
