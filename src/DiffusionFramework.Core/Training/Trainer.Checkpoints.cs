using System.Text.Json.Nodes;
using DiffusionFramework.Core.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionFramework.Core.Training;

/// <summary>Checkpoints of a run: writing them, pruning old ones, and resuming from one.</summary>
public sealed partial class Trainer
{
    private bool _resumeFailed;

    /// <summary>The newest <c>checkpoint-&lt;step&gt;</c> folder under <paramref name="directory"/>, or null.</summary>
    public static string? LatestCheckpoint(string directory) =>
        CheckpointFolders.List(directory) is { Count: > 0 } folders ? folders[^1].Path : null;

    /// <summary>
    /// Writes the state after the current step as the <see cref="Checkpoint"/> folder
    /// <c>&lt;directory&gt;/checkpoint-&lt;step&gt;</c>: <c>config.json</c> (network, scheduler, prediction type, and the
    /// step, seed and generator state), <c>model.safetensors</c>, <c>ema.safetensors</c> and
    /// <c>optimizer.safetensors</c> (AdamW <c>exp_avg</c>, <c>exp_avg_sq</c> and <c>step</c> per parameter).
    /// </summary>
    /// <param name="directory">The run's checkpoint folder; <see cref="TrainerOptions.CheckpointDirectory"/> when null.</param>
    /// <returns>The checkpoint folder.</returns>
    /// <exception cref="InvalidOperationException">No folder is given and the options name none.</exception>
    public string SaveCheckpoint(string? directory = null) => WriteCheckpoint(directory, prune: false);

    /// <summary>
    /// Restores weights, EMA, optimiser state, generator and step from a folder written by <see cref="SaveCheckpoint"/>,
    /// so that <see cref="Train"/> continues the run exactly where it stopped. Everything is read and checked before the
    /// network is touched; should copying still fail, the trainer refuses to train.
    /// </summary>
    /// <param name="checkpoint">A <c>checkpoint-&lt;step&gt;</c> folder of the same plugin and network.</param>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">A file of the checkpoint is missing.</exception>
    /// <exception cref="InvalidDataException">A file does not fit this run or network; the message names it.</exception>
    public void Resume(string checkpoint)
    {
        ArgumentException.ThrowIfNullOrEmpty(checkpoint);
        string configPath = Path.Combine(checkpoint, Checkpoint.ConfigFileName);
        var training = Checkpoint.LoadConfig(checkpoint, _template.PluginId).Training;
        if (training.Step < 0 || training.Step > Options.Steps)
            throw new InvalidDataException($"{configPath}: step {training.Step} is outside this run's 0 .. {Options.Steps}");
        if (training.RngState is not { Length: > 0 } rngState)
            throw new InvalidDataException($"{configPath}: training.rng_state is missing; the run cannot be resumed exactly");

        using var scope = NewDisposeScope();
        string optimizerPath = Required(checkpoint, Checkpoint.OptimizerFileName);
        var optimizerState = SafeTensors.Read(optimizerPath, _device);
        string emaPath = Path.Combine(checkpoint, Checkpoint.EmaFileName);
        var emaState = Ema is null ? null : SafeTensors.Read(Required(checkpoint, Checkpoint.EmaFileName), _device);
        try
        {
            Ema?.CheckStateDict(emaState!);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{emaPath}: {e.Message}", e);
        }
        AdamWState.Validate(_optimizer, _parameterNames, optimizerState, optimizerPath);
        using var rng = GeneratorState(rngState, configPath);

        try
        {
            Checkpoint.LoadInto(checkpoint, Denoiser.Module, expectedPluginId: _template.PluginId);
            Ema?.LoadStateDict(emaState!);
            AdamWState.Import(_optimizer, _parameterNames, optimizerState, optimizerPath);
            _generator.set_state(rng);
            Step = training.Step;
            _resumeFailed = false;
        }
        catch
        {
            _resumeFailed = true;
            throw;
        }
    }

    private bool CheckpointDue() =>
        Options.CheckpointDirectory is not null
        && (Step == Options.Steps || (Options.CheckpointEvery > 0 && Step % Options.CheckpointEvery == 0));

    private string WriteCheckpoint(string? directory, bool prune)
    {
        string root = directory ?? Options.CheckpointDirectory
            ?? throw new InvalidOperationException("no checkpoint folder: pass one or set TrainerOptions.CheckpointDirectory");
        string folder = CheckpointFolders.For(root, Step);
        using (var scope = NewDisposeScope())
        {
            Checkpoint.Save(folder, CurrentCheckpointConfig(), Denoiser.Module.state_dict(), Ema?.StateDict(),
                AdamWState.Export(_optimizer, _parameterNames));
        }
        if (prune && Options.KeepLastCheckpoints is { } keep)
            CheckpointFolders.Prune(root, keep);
        return folder;
    }

    /// <summary>The template completed with this run's scheduler, prediction type and training state.</summary>
    private CheckpointConfig CurrentCheckpointConfig()
    {
        using var state = _generator.get_state();
        long samples = Step * Options.BatchSize;
        return _template with
        {
            Scheduler = JsonNode.Parse(Scheduler.ToJson())!.AsObject(),
            PredictionType = PredictionTypes.ToConfigString(Denoiser.PredictionType),
            Training = new CheckpointTrainingState
            {
                Step = Step,
                SamplesSeen = samples,
                Epoch = samples / _dataset.Count,
                Seed = Options.Seed,
                RngState = state.data<byte>().ToArray(),
                Optimizer = "AdamW",
                // torch.optim.AdamW param_group keys; lr is the rate the last step used.
                OptimizerScalars = new JsonObject
                {
                    ["lr"] = Step > 0 ? _learningRate.At(Step - 1) : 0.0,
                    ["betas"] = new JsonArray(Options.AdamBeta1, Options.AdamBeta2),
                    ["eps"] = Options.AdamEpsilon,
                    ["weight_decay"] = Options.WeightDecay,
                },
            },
        };
    }

    /// <summary>The stored generator state as a tensor, checked by loading it into a scratch generator.</summary>
    private static Tensor GeneratorState(byte[] rngState, string source)
    {
        var state = tensor(rngState);
        try
        {
            using var probe = new Generator();
            probe.set_state(state);
            return state;
        }
        catch (Exception e) when (e is System.Runtime.InteropServices.ExternalException or ArgumentException)
        {
            state.Dispose();
            throw new InvalidDataException(
                $"{source}: training.rng_state is not a CPU generator state ({e.Message.Split('\n')[0]})", e);
        }
    }

    private static string Required(string folder, string file)
    {
        string path = Path.Combine(folder, file);
        return File.Exists(path) ? path : throw new FileNotFoundException($"{path}: missing from the checkpoint", path);
    }
}
