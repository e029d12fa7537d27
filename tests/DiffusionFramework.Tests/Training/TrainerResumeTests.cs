using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Checkpoints;
using DiffusionFramework.Core.Noise;
using DiffusionFramework.Core.Schedules;
using DiffusionFramework.Core.Training;

namespace DiffusionFramework.Tests.Training;

/// <summary>A run continued from a checkpoint, or after a cancellation, ends bit for bit where a straight run ends.</summary>
public sealed class TrainerResumeTests : IDisposable
{
    private const int Steps = 20;
    private readonly string _root = TrainerSetup.TempFolder();

    public void Dispose()
    {
        if (Directory.Exists(_root))
            Directory.Delete(_root, recursive: true);
    }

    /// <summary>Every random draw is in play: condition dropout, Min-SNR weights, warm-up, clipping, EMA.</summary>
    private static TrainerOptions Options(string? checkpoints = null) => new()
    {
        Steps = Steps, BatchSize = 16, LearningRate = 1e-2, WarmupSteps = 3, GradientClipNorm = 0.5, EmaDecay = 0.9,
        Seed = 7, LossWeighting = LossWeighting.MinSnr, ConditionDropProbability = 0.3, CheckpointEvery = 10,
        CheckpointDirectory = checkpoints,
    };

    private static (Trainer Trainer, TinyDenoiser Net) Create(TrainerOptions options, long initSeed = 1, int hidden = 64,
        string pluginId = "blobs")
    {
        var net = new TinyDenoiser(PredictionType.VPrediction, TrainerSetup.NumTrainTimesteps, initSeed, hidden);
        var template = new CheckpointConfig { PluginId = pluginId, PluginVersion = "1.2.3", Modality = "points" };
        return (new Trainer(net, new BlobDataset(), GaussianNoiseSampler.Instance, TrainerSetup.Scheduler(), options, template), net);
    }

    private static string[] Files =>
        [Checkpoint.ModelFileName, Checkpoint.EmaFileName, Checkpoint.OptimizerFileName, Checkpoint.ConfigFileName];

    [Fact]
    public void StraightResumedAndCancelledRunsAgreeBitForBit()
    {
        // A: straight through, saved at the end.
        var (a, netA) = Create(Options());
        using (netA)
        using (a)
        {
            a.Train();
            a.SaveCheckpoint(Path.Combine(_root, "a"));
        }

        // B: checkpoints at 10 and 20 on the way.
        var (b, netB) = Create(Options(Path.Combine(_root, "b")));
        using (netB)
        using (b)
            b.Train();

        // C: a differently initialised network resumes B's step-10 checkpoint.
        var (c, netC) = Create(Options(Path.Combine(_root, "c")), initSeed: 99);
        using (netC)
        using (c)
        {
            c.Resume(Path.Combine(_root, "b", "checkpoint-10"));
            Assert.Equal(10, c.Step);
            c.Train();
        }

        // D: cancelled after step 6, then continued by the same trainer.
        using var cancel = new CancellationTokenSource();
        var (d, netD) = Create(Options());
        using (netD)
        using (d)
        {
            var progress = new RecordingProgress(p => { if (p.Progress.Step == 6) cancel.Cancel(); });
            Assert.Throws<OperationCanceledException>(() => d.Train(progress, cancel.Token));
            Assert.Equal(6, d.Step);
            d.Train();
            d.SaveCheckpoint(Path.Combine(_root, "d"));
        }

        foreach (string file in Files)
        {
            byte[] straight = File.ReadAllBytes(Path.Combine(_root, "a", "checkpoint-20", file));
            Assert.Equal(straight, File.ReadAllBytes(Path.Combine(_root, "b", "checkpoint-20", file)));
            Assert.Equal(straight, File.ReadAllBytes(Path.Combine(_root, "c", "checkpoint-20", file)));
            Assert.Equal(straight, File.ReadAllBytes(Path.Combine(_root, "d", "checkpoint-20", file)));
            Assert.NotEqual(straight, File.ReadAllBytes(Path.Combine(_root, "b", "checkpoint-10", file)));
        }
    }

    [Fact]
    public void ResumeNamesTheFileAndEntryThatDoNotFit()
    {
        var (source, net) = Create(Options());
        string checkpoint;
        using (net)
        using (source)
            checkpoint = source.SaveCheckpoint(_root);

        var (narrow, narrowNet) = Create(Options(), hidden: 32);
        using (narrowNet)
        using (narrow)
        {
            var error = Assert.Throws<InvalidDataException>(() => narrow.Resume(checkpoint));
            Assert.Contains(Checkpoint.EmaFileName, error.Message); // checked before anything is copied
            Assert.Contains("'input.weight'", error.Message);
            Assert.Equal(0, narrow.Step);
        }

        File.Delete(Path.Combine(checkpoint, Checkpoint.OptimizerFileName));
        var (other, otherNet) = Create(Options());
        using (otherNet)
        using (other)
        {
            var error = Assert.Throws<FileNotFoundException>(() => other.Resume(checkpoint));
            Assert.Contains(Checkpoint.OptimizerFileName, error.Message);
            Assert.Equal(0, other.Step);
            Assert.Throws<DirectoryNotFoundException>(() => other.Resume(Path.Combine(_root, "missing")));
        }
    }

    [Fact]
    public void CheckpointIsACompleteCheckpointFolder()
    {
        var (trainer, net) = Create(Options(_root));
        using var _ = net;
        using var __ = trainer;
        trainer.Train();
        using var loaded = Checkpoint.Load(Path.Combine(_root, "checkpoint-10"), expectedPluginId: "blobs");

        var config = loaded.Config;
        Assert.Equal(("blobs", "1.2.3", "points", "v_prediction"), (config.PluginId, config.PluginVersion, config.Modality, config.PredictionType));
        Assert.Equal(10, config.Training.Step);
        Assert.Equal(160, config.Training.SamplesSeen);
        Assert.Equal(7, config.Training.Seed);
        Assert.Equal(5056, config.Training.RngState!.Length); // the CPU mt19937 state
        Assert.Equal(Options().LearningRateSchedule.At(9), (double)config.Training.OptimizerScalars["lr"]!);
        Assert.Equal(0.999, (double)config.Training.OptimizerScalars["betas"]![1]!);
        var scheduler = SchedulerConfig.FromJson(config.Scheduler.ToJsonString());
        Assert.Equal((100, "squaredcos_cap_v2", "v_prediction"), (scheduler.NumTrainTimesteps, scheduler.BetaSchedule, scheduler.PredictionType));

        Assert.Equal(net.state_dict().Keys.Order(), loaded.Model.Keys.Order());
        Assert.Equal(loaded.Model.Keys.Order(), loaded.Ema!.Keys.Order());
        Assert.Equal(3 * net.parameters().Count(), loaded.OptimizerState!.Count);
        Assert.All(net.named_parameters(), p => Assert.Equal(10, loaded.OptimizerState[p.name + ".step"].item<long>()));

        var (other, otherNet) = Create(Options(), pluginId: "someone-else");
        using (otherNet)
        using (other)
            Assert.Contains("'blobs'", Assert.Throws<InvalidDataException>(() => other.Resume(Path.Combine(_root, "checkpoint-10"))).Message);
    }
}
