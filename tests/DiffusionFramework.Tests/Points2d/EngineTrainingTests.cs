using System.Diagnostics;
using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Pipelines;
using DiffusionFramework.Core.Training;
using Points2d;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace DiffusionFramework.Tests.Points2d;

/// <summary>
/// The whole engine on the toy: <see cref="DiffusionModel"/> with the modality's defaults, the engine's
/// <see cref="Trainer"/> (AdamW, warm-up + cosine, clipping, EMA), then sampling with DPM-Solver++ (20 steps) and DDIM
/// (50 steps). The sliced Wasserstein distance to fresh two-moons samples must end far below that of pure noise.
/// </summary>
public class EngineTrainingTests(ITestOutputHelper output)
{
    [Fact]
    public void BriefEngineTrainingBeatsUntrainedNoiseByFar()
    {
        var modality = new Points2dModality();
        var plugin = new Points2dPlugin().Info;
        using var model = DiffusionModel.Create(modality, plugin, CPU);
        using var dataset = (IDisposable)modality.OpenDataset(null, model.NetworkConfig);
        TrainerOptions options = TrainerOptions.FromDefaults(modality.TrainingDefaults) with { Seed = 7, EmaDecay = null };
        var clock = Stopwatch.StartNew();
        int threads = get_num_threads();
        set_num_threads(1); // a 128-wide MLP gains nothing from intra-op threads, which spin on a busy machine
        try
        {
            using Trainer trainer = model.CreateTrainer((IDiffusionDataset)dataset, options);
            trainer.Train();
        }
        finally
        {
            set_num_threads(threads);
        }
        output.WriteLine($"training {options.Steps} steps: {clock.ElapsedMilliseconds} ms");

        IMetric metric = model.Metrics.Single(m => m.Name == "sliced_wasserstein_two_moons");
        using var scope = NewDisposeScope();
        using var generator = new Generator(11, CPU);
        double noise = metric.Compute(randn([4000, 2], generator: generator), Conditioning.None, generator);
        foreach ((string sampler, int steps) in new[] { ("dpmsolver++", 20), ("ddim", 50) })
        {
            Tensor samples = model.Generate(new GenerationRequest { Count = 4000, Sampler = sampler, Steps = steps, Seed = 3 });
            double trained = metric.Compute(samples, Conditioning.None, generator);
            output.WriteLine($"{sampler}-{steps}: SW1 {trained:F4} (noise {noise:F4})");
            Assert.True(trained < 0.3 * noise, $"{sampler}-{steps}: SW1 {trained} is not far below noise {noise}");
        }
    }
}
