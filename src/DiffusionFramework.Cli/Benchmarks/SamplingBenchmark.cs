using DiffusionFramework.Core.Sampling;
using DiffusionFramework.Core.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionFramework.Cli.Benchmarks;

/// <summary>
/// Measures what the engine adds to a sampling run: its own cost per step (sampler maths, the model-call wrapper,
/// dispose scopes) with a near-free model, the wall time of whole runs with a denoiser of about 10 ms a call
/// divided by the same number of bare forward calls, and resident memory across many steps.
/// </summary>
internal sealed class SamplingBenchmark(TextWriter output, Device device, int batch, int features)
{
    private readonly SchedulerConfig _config = new();

    /// <summary>Engine microseconds per step for each sampler, with a model that costs one multiply.</summary>
    public void EngineOverhead(IReadOnlyList<string> samplers, int steps, int repeats)
    {
        output.WriteLine($"Engine cost per step (batch {batch}x{features}, {steps} steps, median of {repeats}):");
        using Tensor xT = randn(batch, features, device: device);
        Func<Tensor, Tensor, Tensor> model = (x, _) => x * 0.5;
        GuidanceHook passThrough = (m, x, t, _) => m(x, t);
        foreach (string name in samplers)
        {
            int calls = ModelCalls(name, steps);
            var plain = Timing.MedianRatio(() => Loop(name, steps, model, xT, guidance: null),
                () => BareCalls(model, xT, calls), repeats);
            var wrapped = Timing.MedianRatio(() => Loop(name, steps, model, xT, passThrough),
                () => BareCalls(model, xT, calls), repeats);
            output.WriteLine($"  {name,-20} {(plain.NumeratorMs - plain.DenominatorMs) * 1000 / calls,8:F1} us/call" +
                             $"  (with guidance wrapper {(wrapped.NumeratorMs - wrapped.DenominatorMs) * 1000 / calls,8:F1} us/call;" +
                             $" bare model call {plain.DenominatorMs * 1000 / calls:F1} us; {calls} calls)");
        }
    }

    /// <summary>Whole-run wall time with a ~<paramref name="targetMs"/> ms denoiser over bare forward calls.</summary>
    public void RunOverBareRatio(IReadOnlyList<string> samplers, int steps, double targetMs, int repeats)
    {
        using Tensor xT = randn(batch, features, device: device);
        using BenchDenoiser denoiser = BenchDenoiser.Calibrate(xT, targetMs, device);
        Func<Tensor, Tensor, Tensor> model = (x, t) => denoiser.forward(x, t);
        output.WriteLine($"Run time / as many bare forward calls as the run makes ({steps} steps, median of {repeats} alternating pairs):");
        foreach (string name in samplers)
        {
            int calls = ModelCalls(name, steps);
            var r = Timing.MedianRatio(() => Loop(name, steps, model, xT, guidance: null),
                () => BareCalls(model, xT, calls), repeats);
            output.WriteLine($"  {name,-20} {r.NumeratorMs:F1} ms / {r.DenominatorMs:F1} ms = {r.Ratio:F4}" +
                             $"  (denoiser {r.DenominatorMs / calls:F2} ms/call, {calls} calls)");
        }
    }

    /// <summary>Resident memory and live tensors every quarter of <paramref name="totalSteps"/> sampling steps.</summary>
    public void MemoryOverSteps(string sampler, int steps, int totalSteps)
    {
        output.WriteLine($"Memory across {totalSteps} {sampler} steps (runs of {steps}):");
        using Tensor xT = randn(batch, features, device: device);
        Func<Tensor, Tensor, Tensor> model = (x, _) => x * 0.5;
        int runs = Math.Max(1, totalSteps / steps);
        for (int r = 0; r <= runs; r++)
        {
            if (r % Math.Max(1, runs / 4) == 0 || r == runs)
                output.WriteLine($"  after {r * steps,6} steps: RSS {Timing.ResidentMiB(),8:F1} MiB, " +
                                 $"live tensors {DisposeScopeManager.Statistics.ThreadTotalLiveCount}");
            if (r < runs)
                Loop(sampler, steps, model, xT, guidance: null);
        }
    }

    private int ModelCalls(string name, int steps)
    {
        using ISamplerRun run = SamplerRegistry.BuiltIn.CreateRun(name, _config, steps);
        return run.Timesteps.Count;
    }

    private void Loop(string name, int steps, Func<Tensor, Tensor, Tensor> model, Tensor xT, GuidanceHook? guidance)
    {
        using var scope = NewDisposeScope();
        using ISamplerRun run = SamplerRegistry.BuiltIn.CreateRun(name, _config, steps);
        using var generator = new Generator(0, device);
        DiffusionSampling.Sample(run, model, xT, new SamplingOptions { Generator = generator, Guidance = guidance });
    }

    private static void BareCalls(Func<Tensor, Tensor, Tensor> model, Tensor xT, int steps)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        for (int i = 0; i < steps; i++)
        {
            using var step = NewDisposeScope();
            model(xT, full(xT.shape[0], 999.0 - i, dtype: xT.dtype, device: xT.device));
        }
    }
}
