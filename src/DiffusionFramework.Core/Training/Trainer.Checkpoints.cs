using System.Runtime.InteropServices;
using DiffusionFramework.Core.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionFramework.Core.Training;

/// <summary>Checkpoints of a run: writing them, pruning old ones, and resuming from one.</summary>
public sealed partial class Trainer
{
    /// <summary>The weights file of a checkpoint folder.</summary>
    public const string ModelFile = "model.safetensors";

    /// <summary>The EMA weights file (same keys as <see cref="ModelFile"/>).</summary>
    public const string EmaFile = "ema.safetensors";

    /// <summary>Everything else that resuming needs: AdamW moments and step counts, generator state, step.</summary>
    public const string OptimizerFile = "optimizer.safetensors";

    private const string StepKey = "trainer.step";
    private const string GeneratorKey = "trainer.generator_state";

    /// <summary>The newest <c>checkpoint-&lt;step&gt;</c> folder under <paramref name="directory"/>, or null.</summary>
    public static string? LatestCheckpoint(string directory) =>
        CheckpointFolders.List(directory) is { Count: > 0 } folders ? folders[^1].Path : null;

    /// <summary>
    /// Writes the state after the current step to <c>&lt;directory&gt;/checkpoint-&lt;step&gt;</c>: the folder is
    /// completed under a temporary name and then renamed into place, replacing an older one of the same step.
    /// </summary>
    /// <param name="directory">The run's checkpoint folder; <see cref="TrainerOptions.CheckpointDirectory"/> when null.</param>
    /// <returns>The checkpoint folder.</returns>
    /// <exception cref="InvalidOperationException">No folder is given and the options name none.</exception>
    public string SaveCheckpoint(string? directory = null) => WriteCheckpoint(directory, prune: false);

    /// <summary>
    /// Restores weights, EMA, optimiser state, generator and step from a folder written by <see cref="SaveCheckpoint"/>,
    /// so that <see cref="Train"/> continues the run exactly where it stopped.
    /// </summary>
    /// <param name="checkpoint">A <c>checkpoint-&lt;step&gt;</c> folder.</param>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="InvalidDataException">A file is missing or does not fit this network; the message names it.</exception>
    public void Resume(string checkpoint)
    {
        ArgumentException.ThrowIfNullOrEmpty(checkpoint);
        if (!Directory.Exists(checkpoint))
            throw new DirectoryNotFoundException($"checkpoint folder '{checkpoint}' does not exist");
        using var scope = NewDisposeScope();
        string optimizerPath = Required(checkpoint, OptimizerFile);
        var optimizerState = SafeTensors.Read(optimizerPath, _device);
        long step = Scalar(optimizerState, StepKey, optimizerPath);
        if (step < 0 || step > Options.Steps)
            throw new InvalidDataException($"{optimizerPath}: step {step} is outside this run's 0 .. {Options.Steps}");
        if (!optimizerState.Remove(GeneratorKey, out var generatorState))
            throw new InvalidDataException($"{optimizerPath}: '{GeneratorKey}' is missing");
        optimizerState.Remove(StepKey);

        string modelPath = Required(checkpoint, ModelFile);
        ModuleWeights.Load(Denoiser.Module, SafeTensors.Read(modelPath, _device), modelPath);
        if (Ema is not null)
        {
            string emaPath = Required(checkpoint, EmaFile);
            try
            {
                Ema.LoadStateDict(SafeTensors.Read(emaPath, _device));
            }
            catch (ArgumentException e)
            {
                throw new InvalidDataException($"{emaPath}: {e.Message}", e);
            }
        }
        AdamWState.Import(_optimizer, _parameterNames, optimizerState, optimizerPath);
        try
        {
            _generator.set_state(generatorState.cpu());
        }
        catch (Exception e) when (e is ExternalException or ArgumentException)
        {
            throw new InvalidDataException($"{optimizerPath}: '{GeneratorKey}' is not a CPU generator state ({e.Message.Split('\n')[0]})", e);
        }
        Step = step;
    }

    private bool CheckpointDue() =>
        Options.CheckpointDirectory is not null
        && (Step == Options.Steps || (Options.CheckpointEvery > 0 && Step % Options.CheckpointEvery == 0));

    private string WriteCheckpoint(string? directory, bool prune)
    {
        string root = directory ?? Options.CheckpointDirectory
            ?? throw new InvalidOperationException("no checkpoint folder: pass one or set TrainerOptions.CheckpointDirectory");
        string final = CheckpointFolders.For(root, Step);
        string temp = $"{final}.tmp-{Guid.NewGuid():N}";
        using (var scope = NewDisposeScope())
        {
            try
            {
                SafeTensors.Write(Path.Combine(temp, ModelFile), Denoiser.Module.state_dict());
                if (Ema is not null)
                    SafeTensors.Write(Path.Combine(temp, EmaFile), Ema.StateDict());
                var state = AdamWState.Export(_optimizer, _parameterNames);
                state[StepKey] = tensor(new[] { Step });
                state[GeneratorKey] = _generator.get_state();
                SafeTensors.Write(Path.Combine(temp, OptimizerFile), state);
                if (Directory.Exists(final))
                    Directory.Delete(final, recursive: true);
                Directory.Move(temp, final);
            }
            finally
            {
                if (Directory.Exists(temp))
                    Directory.Delete(temp, recursive: true);
            }
        }
        if (prune && Options.KeepLastCheckpoints is { } keep)
            CheckpointFolders.Prune(root, keep);
        return final;
    }

    private static string Required(string folder, string file)
    {
        string path = Path.Combine(folder, file);
        if (!File.Exists(path))
            throw new InvalidDataException($"{path}: the checkpoint lacks this file");
        return path;
    }

    private static long Scalar(IReadOnlyDictionary<string, Tensor> state, string key, string path)
    {
        if (!state.TryGetValue(key, out var value) || value.numel() != 1 || value.dtype != ScalarType.Int64)
            throw new InvalidDataException($"{path}: '{key}' is missing or not a single int64");
        return value.item<long>();
    }
}
