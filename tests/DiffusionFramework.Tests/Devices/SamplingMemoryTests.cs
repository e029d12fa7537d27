using DiffusionFramework.Core.Pipelines;
using TorchSharp;

namespace DiffusionFramework.Tests.Devices;

/// <summary>
/// Thousands of sampling steps with the points2d model leave no tensor alive: every step's temporaries, the per-run
/// state (DPM-Solver++ keeps the last model outputs across steps) and the returned samples are all freed.
/// </summary>
public sealed class SamplingMemoryTests(Points2dPluginFixture points) : IClassFixture<Points2dPluginFixture>
{
    private const int Runs = 40;
    private const int StepsPerRun = 50;

    [Theory]
    [InlineData("ddim")]
    [InlineData("dpmsolver++")]
    [InlineData("ddpm")]
    public void TwoThousandStepsLeaveNoLiveTensor(string sampler)
    {
        using var model = DiffusionModel.Create(points.Modality, points.Plugin, torch.CPU, points.Network(("hidden", 64)));
        long peak = 0;
        GenerationRequest Request(int run, int steps) => new()
        {
            Count = 128,
            Sampler = sampler,
            Steps = steps,
            Seed = run,
            Progress = _ => peak = Math.Max(peak, DisposeScopeManager.Statistics.ThreadTotalLiveCount),
        };
        RunOnce(model, Request(-1, 2)); // anything created once per process (caches) is created now

        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        var afterEachRun = new List<long>();
        for (int run = 0; run < Runs; run++)
        {
            RunOnce(model, Request(run, StepsPerRun));
            afterEachRun.Add(DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        }

        // The counter does see the run's tensors (so the equality below is not vacuous) ...
        Assert.True(peak > before, $"peak {peak} live tensors during a run, {before} before");
        // ... and none of them outlives its run.
        Assert.All(afterEachRun, live => Assert.Equal(before, live));
    }

    private static void RunOnce(DiffusionModel model, GenerationRequest request)
    {
        using var scope = torch.NewDisposeScope();
        torch.Tensor samples = model.Generate(request);
        Assert.Equal([request.Count, 2L], samples.shape);
    }
}
