using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Pipelines;
using DiffusionFramework.Core.Sampling;
using static TorchSharp.torch;

namespace DiffusionFramework.Cli.Benchmarks;

/// <summary>
/// Sampling speed of a trained model: samples per second of whole <see cref="DiffusionModel.Generate"/> runs at one
/// batch size, and those runs' wall time over as many bare denoiser calls (the engine's share of a real run).
/// </summary>
internal sealed class ModelBenchmark(TextWriter output, DiffusionModel model, int batch)
{
    /// <summary>Measures each sampler at <paramref name="steps"/> steps; medians of <paramref name="repeats"/> runs.</summary>
    public void Run(IReadOnlyList<string> samplers, int steps, int repeats)
    {
        using var scope = NewDisposeScope();
        Conditioning conditioning = model.Modality.SamplingConditioning(batch, new Dictionary<string, string>(),
            model.NetworkConfig, model.Device);
        Tensor x = randn([batch, .. model.SampleShape], device: model.Device);
        output.WriteLine($"{model.Modality.Name} model, batch {batch}, {steps} steps, median of {repeats}:");
        foreach (string name in samplers)
        {
            var request = new GenerationRequest
            {
                Count = batch, Sampler = name, Steps = steps, Seed = 0, Conditioning = conditioning,
            };
            int calls = ModelCalls(name, steps);
            var r = Timing.MedianRatio(() => Generate(request), () => BareCalls(x, conditioning, calls), repeats);
            output.WriteLine($"  {name,-20} {batch * 1000 / r.NumeratorMs,8:F1} samples/s  run {r.NumeratorMs:F0} ms" +
                             $" / {calls} bare calls {r.DenominatorMs:F0} ms = {r.Ratio:F3}");
        }
    }

    private void Generate(GenerationRequest request)
    {
        using var scope = NewDisposeScope();
        model.Generate(request);
    }

    private void BareCalls(Tensor x, Conditioning conditioning, int calls)
    {
        using var scope = NewDisposeScope();
        using var inference = inference_mode();
        Tensor t = full(batch, 500L, device: model.Device);
        bool training = model.Denoiser.Module.training;
        model.Denoiser.Module.eval(); // as Generate runs it (no dropout)
        try
        {
            for (int i = 0; i < calls; i++)
            {
                using var step = NewDisposeScope();
                model.Denoiser.Forward(x, t, conditioning);
            }
        }
        finally
        {
            model.Denoiser.Module.train(training);
        }
    }

    private int ModelCalls(string name, int steps)
    {
        using ISamplerRun run = SamplerRegistry.BuiltIn.CreateRun(name, model.Scheduler, steps);
        return run.Timesteps.Count;
    }
}
