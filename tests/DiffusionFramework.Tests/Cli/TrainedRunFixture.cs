namespace DiffusionFramework.Tests.Cli;

/// <summary>
/// One small points2d training run made through the CLI (30 steps, checkpoints every 10), shared by the CLI tests.
/// </summary>
public sealed class TrainedRunFixture : IDisposable
{
    /// <summary>Optimiser steps of the run.</summary>
    public const int Steps = 30;

    /// <summary>Hidden width of the run's network (the modality's default is 128: this proves --network reaches it).</summary>
    public const int Hidden = 32;

    private readonly ScratchFolder _scratch = new();

    public TrainedRunFixture()
    {
        RunFolder = _scratch["run"];
        Training = CliRunner.Run(TrainArguments(RunFolder, Steps));
    }

    /// <summary>The run's --out folder.</summary>
    public string RunFolder { get; }

    /// <summary>What the training command returned and printed.</summary>
    internal CliResult Training { get; }

    /// <summary>The checkpoint folder after <paramref name="step"/>.</summary>
    public string Checkpoint(int step) => Path.Combine(RunFolder, $"checkpoint-{step}");

    /// <summary>The training command line of this run (small network and batch, fixed seed), writing to <paramref name="output"/>.</summary>
    public static string[] TrainArguments(string output, int steps, params string[] extra) =>
    [
        "train", "points2d", "--steps", $"{steps}", "--batch-size", "32", "--network", $"hidden={Hidden}",
        "--network", "layers=1", "--checkpoint-every", "10", "--seed", "7", "--out", output, .. extra,
    ];

    public void Dispose() => _scratch.Dispose();
}

/// <summary>The CLI test classes share one trained run and run one after the other.</summary>
[CollectionDefinition(Name)]
public sealed class CliCollection : ICollectionFixture<TrainedRunFixture>
{
    public const string Name = "CLI";
}
