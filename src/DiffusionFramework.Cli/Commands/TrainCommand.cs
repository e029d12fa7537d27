using System.CommandLine;
using System.Text.Json.Nodes;
using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Pipelines;
using DiffusionFramework.Core.Schedules;
using DiffusionFramework.Core.Training;
using TorchSharp;

namespace DiffusionFramework.Cli.Commands;

/// <summary><c>diffusion train &lt;modality&gt;</c>: train a modality's denoiser, with checkpoints and resume.</summary>
public static class TrainCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext context)
    {
        var modalityName = new Argument<string>("modality") { Description = "The modality to train (see 'diffusion plugins')." };
        var data = new Option<string?>("--data") { Description = "Training data (file or folder); the modality's built-in data when absent." };
        var output = new Option<string>("--out") { Description = "Run folder for checkpoint-<step> folders.", DefaultValueFactory = _ => "runs/latest" };
        var steps = new Option<int?>("--steps") { Description = "Optimiser steps (modality default when absent)." };
        var batch = new Option<int?>("--batch-size") { Description = "Samples per step (modality default when absent)." };
        var lr = new Option<double?>("--lr") { Description = "Peak learning rate (modality default when absent)." };
        var warmup = new Option<int?>("--warmup") { Description = "Linear warm-up steps (modality default when absent)." };
        var ema = new Option<double?>("--ema-decay") { Description = "EMA decay of the weights (default 0.9999 with warm-up)." };
        var every = new Option<int?>("--checkpoint-every") { Description = "Write a checkpoint every N steps (default: steps/5)." };
        var keep = new Option<int>("--keep") { Description = "Keep the newest N checkpoints.", DefaultValueFactory = _ => 3 };
        var resume = new Option<bool>("--resume") { Description = "Continue from the newest checkpoint in --out." };
        var schedulerFile = new Option<string?>("--scheduler-config") { Description = "A diffusers scheduler_config.json for the noise schedule." };
        var conditionDropout = new Option<double?>("--condition-dropout")
        {
            Description = "Probability of training a sample with its condition dropped (classifier-free guidance needs it; e.g. 0.1).",
        };
        var flowSigmas = new Option<string>("--flow-sigmas")
        {
            Description = "Flow-matching models: how training draws noise levels, uniform or logit-normal (SD3's, favouring middle levels).",
            DefaultValueFactory = _ => "uniform",
        };
        flowSigmas.AcceptOnlyFromAmong("uniform", "logit-normal");
        var flowLogitMean = new Option<double>("--flow-logit-mean") { Description = "Mean of the logit-normal's normal (default 0).", DefaultValueFactory = _ => 0.0 };
        var flowLogitStd = new Option<double>("--flow-logit-std") { Description = "Standard deviation of the logit-normal's normal (default 1).", DefaultValueFactory = _ => 1.0 };
        var network = new Option<string[]>("--network") { Description = "Network hyper-parameter key=value (repeatable).", Arity = ArgumentArity.ZeroOrMore };
        var seed = CommonOptions.Seed();
        var device = CommonOptions.Device();
        var command = new Command("train", "Train a modality's denoiser; writes checkpoint folders usable by 'sample' and 'eval'.")
        {
            modalityName, data, output, steps, batch, lr, warmup, ema, every, keep, resume, schedulerFile, conditionDropout,
            flowSigmas, flowLogitMean, flowLogitStd, network, seed, device,
        };
        command.SetAction(parse => CliApp.Guard(context, () =>
        {
            IModality modality = context.Host.GetModality(parse.GetValue(modalityName)!);
            JsonObject networkConfig = KeyValueOptions.ApplyTo(modality.DefaultNetworkConfig(),
                KeyValueOptions.Parse(parse.GetValue(network), "--network"));
            SchedulerConfig scheduler = parse.GetValue(schedulerFile) is { } file ? SchedulerConfig.Load(file) : DiffusionModel.DefaultScheduler;
            TrainerOptions defaults = TrainerOptions.FromDefaults(modality.TrainingDefaults);
            int totalSteps = parse.GetValue(steps) ?? defaults.Steps;
            string runFolder = Path.GetFullPath(parse.GetValue(output)!);
            bool resuming = parse.GetValue(resume);
            if (!resuming)
                OutputFolder.Check(runFolder, allowExisting: false, "--out", reuseOption: "--resume to continue its run");
            var options = defaults with
            {
                Steps = totalSteps,
                BatchSize = parse.GetValue(batch) ?? defaults.BatchSize,
                LearningRate = parse.GetValue(lr) ?? defaults.LearningRate,
                WarmupSteps = parse.GetValue(warmup) ?? defaults.WarmupSteps,
                EmaDecay = parse.GetValue(ema) ?? defaults.EmaDecay,
                ConditionDropProbability = parse.GetValue(conditionDropout) ?? defaults.ConditionDropProbability,
                FlowSigmaDensity = parse.GetValue(flowSigmas) == "logit-normal" ? FlowSigmaDensity.LogitNormal : FlowSigmaDensity.Uniform,
                FlowLogitMean = parse.GetValue(flowLogitMean),
                FlowLogitStd = parse.GetValue(flowLogitStd),
                CheckpointEvery = parse.GetValue(every) ?? Math.Max(1, totalSteps / 5),
                KeepLastCheckpoints = parse.GetValue(keep),
                CheckpointDirectory = runFolder,
                Seed = parse.GetValue(seed),
                Device = parse.GetValue(device)!,
            };
            options.Validate();
            // The network's initial weights come from torch's global generator (IModality.CreateDenoiser takes none):
            // seeding it makes a run reproducible from --seed, initialisation included.
            torch.manual_seed(options.Seed);
            using var model = DiffusionModel.Create(modality, context.Host.PluginOf(modality),
                CommonOptions.ResolveDevice(options.Device), networkConfig, scheduler);
            var dataset = modality.OpenDataset(parse.GetValue(data), model.NetworkConfig);
            try
            {
                string final = Train(context, model, dataset, options, resuming);
                context.Out.WriteLine($"Checkpoint: {final}");
            }
            finally
            {
                (dataset as IDisposable)?.Dispose();
            }
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>Runs (or resumes) a training run with a progress bar; returns the final checkpoint folder.</summary>
    public static string Train(CliContext context, DiffusionModel model, IDiffusionDataset dataset, TrainerOptions options,
        bool resume)
    {
        using Trainer trainer = model.CreateTrainer(dataset, options);
        if (resume)
        {
            string latest = Trainer.LatestCheckpoint(options.CheckpointDirectory!)
                ?? throw new DirectoryNotFoundException($"--resume: no checkpoint-<step> folder in {options.CheckpointDirectory}");
            trainer.Resume(latest);
            context.Error.WriteLine($"Resuming from {latest} (step {trainer.Step}).");
        }
        var bar = new ConsoleProgress(context.Error, $"train {model.Modality.Name}", options.Steps);
        trainer.Train(new InlineProgress<TrainingProgress>(p => bar.Report((int)p.Step, $"loss {p.Loss:F4} lr {p.LearningRate:G3}")),
            context.Cancellation);
        return Trainer.LatestCheckpoint(options.CheckpointDirectory!) ?? trainer.SaveCheckpoint();
    }
}

/// <summary>An <see cref="IProgress{T}"/> that calls back synchronously on the reporting thread.</summary>
internal sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
