using DiffusionFramework.Core.Sampling;
using DiffusionFramework.Core.Schedules;
using DiffusionFramework.Tests.Reference;
using TorchSharp;

namespace DiffusionFramework.Tests.Sampling;

/// <summary>The public sampling loop: determinism, progress, cancellation, guidance hook, tensor lifetimes.</summary>
public class SamplingLoopTests
{
    private static readonly SchedulerConfig Config = new() { BetaSchedule = "scaled_linear", BetaStart = 0.00085, BetaEnd = 0.012 };

    [Fact]
    public void SameSeedGivesIdenticalSamplesAndAnotherSeedDoesNot()
    {
        double[] first = RunDdpm(seed: 7);
        double[] second = RunDdpm(seed: 7);
        double[] other = RunDdpm(seed: 8);

        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void ProgressIsReportedOncePerStepInOrder()
    {
        using var scope = torch.NewDisposeScope();
        using ISamplerRun run = new DdimSampler().CreateRun(Config, 12);
        var seen = new List<(int Index, int Count, double T, long[] Shape, bool HasX0)>();

        DiffusionSampling.Sample(run, ReferenceCases.SyntheticModel, torch.randn(2, 3), new SamplingOptions
        {
            Progress = p => seen.Add((p.StepIndex, p.StepCount, p.Timestep, p.Sample.shape, p.PredOriginalSample is not null)),
        });

        Assert.Equal(Enumerable.Range(0, 12), seen.Select(s => s.Index));
        Assert.All(seen, s => Assert.Equal(12, s.Count));
        Assert.Equal(run.Timesteps, seen.Select(s => s.T));
        Assert.All(seen, s => Assert.Equal([2L, 3], s.Shape));
        Assert.All(seen, s => Assert.True(s.HasX0));
    }

    [Fact]
    public void CancellationStopsTheLoopBeforeTheNextStep()
    {
        using var scope = torch.NewDisposeScope();
        using ISamplerRun run = new DdimSampler().CreateRun(Config, 20);
        using var cancel = new CancellationTokenSource();
        int modelCalls = 0;

        Assert.ThrowsAny<OperationCanceledException>(() => DiffusionSampling.Sample(run, (x, t) =>
        {
            modelCalls++;
            return ReferenceCases.SyntheticModel(x, t);
        }, torch.randn(2, 3), new SamplingOptions
        {
            CancellationToken = cancel.Token,
            Progress = p =>
            {
                if (p.StepIndex == 2)
                {
                    cancel.Cancel();
                }
            },
        }));

        Assert.Equal(3, modelCalls);
    }

    [Fact]
    public void ModelSeesTimestepsExpandedToTheBatchOnTheSamplesDtypeAndTheHookWrapsEveryCall()
    {
        using var scope = torch.NewDisposeScope();
        using ISamplerRun run = new DdimSampler().CreateRun(Config, 5);
        var timesteps = new List<double>();
        int hookCalls = 0;

        DiffusionSampling.Sample(run, (x, t) =>
        {
            Assert.Equal([3L], t.shape);
            Assert.Equal(torch.ScalarType.Float64, t.dtype);
            Assert.Equal(x.device_type, t.device_type);
            Assert.Equal(x.device_index, t.device_index);
            timesteps.Add(t[2].item<double>());
            return ReferenceCases.SyntheticModel(x, t);
        }, torch.randn(3, 4, dtype: torch.ScalarType.Float64), new SamplingOptions
        {
            Guidance = (model, x, t, i) =>
            {
                Assert.Equal(hookCalls++, i);
                return model(x, t);
            },
        });

        Assert.Equal(5, hookCalls);
        Assert.Equal(run.Timesteps, timesteps);
    }

    [Fact]
    public void InputIsNeitherChangedNorDisposedAndNoTensorIsLeaked()
    {
        using var outer = torch.NewDisposeScope();
        torch.Tensor xT = torch.randn(2, 3, 4);
        torch.Tensor copy = xT.clone();
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        using (ISamplerRun run = new DdpmSampler().CreateRun(Config, 10))
        {
            using torch.Tensor result = DiffusionSampling.Sample(run, ReferenceCases.SyntheticModel, xT,
                new SamplingOptions { Generator = new torch.Generator(1) });
        }

        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        Assert.True(xT.allclose(copy, 0, 0));
    }

    private static double[] RunDdpm(int seed)
    {
        using var scope = torch.NewDisposeScope();
        using ISamplerRun run = new DdpmSampler().CreateRun(Config, 10);
        var generator = new torch.Generator((ulong)seed);
        torch.Tensor xT = torch.randn([2, 3, 4, 4], generator: generator);
        torch.Tensor x0 = DiffusionSampling.Sample(run, ReferenceCases.SyntheticModel, xT,
            new SamplingOptions { Generator = generator });
        return x0.to(torch.ScalarType.Float64).data<double>().ToArray();
    }
}
