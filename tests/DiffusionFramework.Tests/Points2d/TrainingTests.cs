using System.Diagnostics;
using System.Text.Json.Nodes;
using DiffusionFramework.Abstractions;
using Points2d;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace DiffusionFramework.Tests.Points2d;

/// <summary>
/// End to end on the toy: a short epsilon-objective training (DDPM, Ho et al. 2020, Algorithm 1) with the modality's
/// training defaults (AdamW, linear warm-up, cosine decay) and deterministic DDIM sampling (Song et al. 2021, eq. 12
/// with η = 0) bring the sliced Wasserstein distance to two moons far below that of untrained noise. The loop is
/// written here, independent of the engine's trainer and samplers.
/// </summary>
public class TrainingTests(ITestOutputHelper output)
{
    private const int TrainTimesteps = 1000;
    private const int SamplingSteps = 50;
    private const int SampleCount = 5000;

    [Fact]
    public void BriefTrainingBeatsUntrainedNoiseByFar()
    {
        var modality = new Points2dModality();
        JsonObject config = modality.DefaultNetworkConfig();
        using var generator = new Generator(2024, CPU);
        random.manual_seed(2024);
        using var dataset = (IDisposable)modality.OpenDataset(null, config);
        using var denoiser = (nn.Module)modality.CreateDenoiser(config, CPU);
        // DDPM's linear schedule: β from 1e-4 to 0.02 over 1000 steps, ᾱ_t = Π_{s ≤ t} (1 − β_s).
        using Tensor alphasCumprod = (1 - linspace(1e-4, 0.02, TrainTimesteps, dtype: float64)).cumprod(0).to(float32);
        var clock = Stopwatch.StartNew();
        // A 128-wide MLP is too small for intra-op threads: on a busy machine they spin and cost ten times more.
        int threads = get_num_threads();
        set_num_threads(1);
        try
        {
            Train((IDenoiser)denoiser, (IDiffusionDataset)dataset, modality, alphasCumprod, generator);
        }
        finally
        {
            set_num_threads(threads);
        }
        output.WriteLine($"training: {clock.ElapsedMilliseconds} ms");

        using var scope = NewDisposeScope();
        Tensor samples = SampleDdim((IDenoiser)denoiser, alphasCumprod, randn([SampleCount, 2], generator: generator));
        IMetric metric = modality.CreateMetrics(config).Single(m => m.Name == "sliced_wasserstein_two_moons");
        double trained = metric.Compute(samples, Conditioning.None, generator);
        double noise = metric.Compute(randn([SampleCount, 2], generator: generator), Conditioning.None, generator);
        output.WriteLine($"SW1 trained {trained:F4}, noise {noise:F4}, total {clock.ElapsedMilliseconds} ms");
        Assert.True(trained < 0.3 * noise, $"SW1 of trained samples {trained} is not far below noise {noise}");
    }

    private static void Train(IDenoiser denoiser, IDiffusionDataset dataset, IModality modality, Tensor alphasCumprod,
        Generator generator)
    {
        TrainingDefaults defaults = modality.TrainingDefaults;
        int batch = defaults.BatchSize;
        using var optimizer = optim.AdamW(denoiser.Module.parameters(), defaults.LearningRate);
        denoiser.Module.train();
        for (int step = 0; step < defaults.Steps; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.ParamGroups.First().LearningRate = step < defaults.WarmupSteps
                ? defaults.LearningRate * (step + 1.0) / defaults.WarmupSteps
                : defaults.LearningRate * 0.5 * (1 + Math.Cos(Math.PI * (step - defaults.WarmupSteps) / (defaults.Steps - defaults.WarmupSteps)));
            long[] indices = randint(dataset.Count, [batch], generator: generator).data<long>().ToArray();
            Tensor x0 = dataset.GetBatch(indices, CPU).X0;
            Tensor t = randint(TrainTimesteps, [batch], generator: generator);
            Tensor epsilon = modality.NoiseSampler.Sample([batch, 2], float32, CPU, generator, null);
            Tensor abar = alphasCumprod[t].unsqueeze(1);
            // x_t = √ᾱ_t x0 + √(1 − ᾱ_t) ε; loss ‖ε − ε_θ(x_t, t)‖².
            Tensor xt = abar.sqrt() * x0 + (1 - abar).sqrt() * epsilon;
            Tensor loss = nn.functional.mse_loss(denoiser.Forward(xt, t.to(float32), Conditioning.None), epsilon);
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
        }
        denoiser.Module.eval();
    }

    /// <summary>DDIM with η = 0 on the leading spacing 980, 960, ..., 0; ᾱ before step 0 is 1.</summary>
    private static Tensor SampleDdim(IDenoiser denoiser, Tensor alphasCumprod, Tensor x)
    {
        using var noGrad = no_grad();
        int stride = TrainTimesteps / SamplingSteps;
        for (int i = SamplingSteps - 1; i >= 0; i--)
        {
            using var scope = NewDisposeScope();
            int t = i * stride;
            double abar = alphasCumprod[t].item<float>();
            double abarPrev = t - stride >= 0 ? alphasCumprod[t - stride].item<float>() : 1.0;
            Tensor epsilon = denoiser.Forward(x, full(x.shape[0], (float)t), Conditioning.None);
            Tensor x0 = (x - Math.Sqrt(1 - abar) * epsilon) / Math.Sqrt(abar);
            x = (Math.Sqrt(abarPrev) * x0 + Math.Sqrt(1 - abarPrev) * epsilon).MoveToOuterDisposeScope();
        }
        return x;
    }
}
