using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionFramework.Tests.Training;

/// <summary>A two-layer MLP on 2-D points, conditioned on t / T and (unless dropped) a class label.</summary>
internal sealed class TinyDenoiser : nn.Module<Tensor, Tensor>, IDenoiser
{
    private readonly TorchSharp.Modules.Linear input;
    private readonly TorchSharp.Modules.Linear output;
    private readonly TorchSharp.Modules.Embedding label;
    private readonly int _numTrainTimesteps;

    /// <summary>Weights drawn from a generator seeded with <paramref name="initSeed"/>, so networks are reproducible.</summary>
    public TinyDenoiser(PredictionType predictionType, int numTrainTimesteps, long initSeed, int hidden = 64)
        : base(nameof(TinyDenoiser))
    {
        PredictionType = predictionType;
        _numTrainTimesteps = numTrainTimesteps;
        input = nn.Linear(3, hidden);
        output = nn.Linear(hidden, 2);
        label = nn.Embedding(3, hidden); // 0, 1: classes; 2: the null label
        RegisterComponents();
        using var generator = new Generator((ulong)initSeed);
        using var noGrad = no_grad();
        foreach (var (_, p) in named_parameters())
            p.copy_(randn(p.shape, generator: generator).mul_(0.3));
    }

    /// <summary>Every call's batch size and drop flag, in order.</summary>
    public List<(long Size, bool Dropped, long[]? Labels)> Calls { get; } = [];

    public PredictionType PredictionType { get; }

    public nn.Module Module => this;

    public Tensor Forward(Tensor sample, Tensor timestep, Conditioning conditioning)
    {
        Calls.Add((sample.shape[0], conditioning.DropCondition, conditioning.ClassLabels?.data<long>().ToArray()));
        using var scope = NewDisposeScope();
        Tensor features = cat([sample, timestep.div(_numTrainTimesteps).unsqueeze(1)], 1);
        Tensor hidden = input.forward(features);
        Tensor labels = conditioning.ClassLabels is { } l && !conditioning.DropCondition
            ? l
            : full([sample.shape[0]], 2L, dtype: int64, device: sample.device);
        hidden = nn.functional.silu(hidden.add(label.forward(labels)));
        return output.forward(hidden).MoveToOuterDisposeScope();
    }

    public override Tensor forward(Tensor x) => throw new NotSupportedException("use Forward(x, t, conditioning)");
}

/// <summary>Two labelled Gaussian blobs at (±2, 0) with σ = 0.2, drawn once from a fixed seed.</summary>
internal sealed class BlobDataset : IDiffusionDataset
{
    private readonly Tensor _points;
    private readonly Tensor _labels;

    public BlobDataset(int count = 256, bool withLabels = true)
    {
        using var generator = new Generator(1234);
        _labels = arange(count, dtype: int64).remainder(2);
        Tensor centres = _labels.to(float32).mul(4).sub(2).unsqueeze(1);
        _points = cat([centres, zeros(count, 1)], 1).add(randn([count, 2], generator: generator).mul(0.2f))
            .DetachFromDisposeScope();
        _labels.DetachFromDisposeScope();
        WithLabels = withLabels;
    }

    public bool WithLabels { get; }

    public string Name => "two blobs";

    public long Count => _points.shape[0];

    public Tensor Points => _points;

    public DataBatch GetBatch(IReadOnlyList<long> indices, Device device)
    {
        using var index = tensor(indices.ToArray());
        return new DataBatch(_points.index_select(0, index).to(device),
            WithLabels ? new Conditioning { ClassLabels = _labels.index_select(0, index).to(device) } : Conditioning.None);
    }
}

/// <summary>Reports synchronously on the training thread, and can cancel at a given step.</summary>
internal sealed class RecordingProgress(Action<TrainingProgressProbe>? onStep = null) : IProgress<Core.Training.TrainingProgress>
{
    public List<Core.Training.TrainingProgress> Reports { get; } = [];

    public void Report(Core.Training.TrainingProgress value)
    {
        Reports.Add(value);
        onStep?.Invoke(new TrainingProgressProbe(value, DisposeScopeManager.Statistics.ThreadTotalLiveCount));
    }
}

/// <summary>A report together with the live tensor count of the training thread at that moment.</summary>
internal sealed record TrainingProgressProbe(Core.Training.TrainingProgress Progress, long LiveTensors);

/// <summary>Shared settings of the trainer tests.</summary>
internal static class TrainerSetup
{
    public const int NumTrainTimesteps = 100;

    public static SchedulerConfig Scheduler() => new()
    {
        NumTrainTimesteps = NumTrainTimesteps,
        BetaSchedule = "squaredcos_cap_v2",
    };

    public static string TempFolder() => Path.Combine(Path.GetTempPath(), "df-train-" + Guid.NewGuid().ToString("N"));
}
