using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Pipelines;
using DiffusionFramework.Core.Sampling;
using DiffusionFramework.Core.Schedules;
using TorchSharp;

namespace DiffusionFramework.Tests.Editing;

/// <summary>Every stochastic sampler draws its noise through the injected INoiseSampler and nowhere else.</summary>
public class NoiseSamplerHookTests
{
    private static readonly long[] Shape = [2, 5, 3]; // [batch, atoms, xyz]

    /// <summary>
    /// Noise with zero centre of mass over the atoms (as a molecule modality draws it), from its own generator, counting
    /// its draws. The model's output has zero centre of mass too, so a sample that only ever sees this noise keeps a zero
    /// centre of mass, while one draw from torch.randn would move it.
    /// </summary>
    private sealed class CentredNoise(ulong seed) : INoiseSampler
    {
        private readonly torch.Generator _generator = new(seed);

        public int Draws { get; private set; }

        public torch.Tensor Sample(long[] shape, torch.ScalarType dtype, torch.Device device, torch.Generator? generator,
            Conditioning? conditioning)
        {
            Draws++;
            using torch.Tensor raw = torch.randn(shape, dtype: dtype, device: device, generator: _generator);
            return raw - raw.mean([1], keepdim: true);
        }
    }

    private static torch.Tensor Model(torch.Tensor x, torch.Tensor t) => (x - x.mean([1], keepdim: true)) * 0.5;

    public static TheoryData<string, double?> StochasticRuns()
    {
        var data = new TheoryData<string, double?>();
        foreach (ISampler sampler in SamplerRegistry.BuiltIn.Samplers.Where(s => s.IsStochastic))
        {
            data.Add(sampler.Name, null);
        }

        data.Add("ddim", 1.0); // stochastic with η > 0
        return data;
    }

    [Theory]
    [MemberData(nameof(StochasticRuns))]
    public void StochasticSamplerDrawsOnlyFromTheInjectedNoiseSampler(string name, double? eta)
    {
        // Any draw from torch's global generator would differ between the two runs (its state moves on).
        double[] first = Run(name, eta, out int draws, out bool generatorUntouched);
        double[] second = Run(name, eta, out _, out _);

        Assert.True(draws > 0, $"{name} never drew from the injected noise sampler");
        Assert.True(generatorUntouched, $"{name} drew from the run's generator directly");
        Assert.Equal(first, second); // torch's global generator played no part
        for (int b = 0; b < Shape[0]; b++)
        {
            for (int d = 0; d < Shape[2]; d++)
            {
                double centre = Enumerable.Range(0, (int)Shape[1]).Average(a => first[(b * Shape[1] + a) * Shape[2] + d]);
                Assert.True(Math.Abs(centre) < 1e-5, $"{name}: centre of mass {centre:E2} (batch {b}, axis {d})");
            }
        }
    }

    private static double[] Run(string name, double? eta, out int draws, out bool generatorUntouched)
    {
        using var scope = torch.NewDisposeScope();
        var noise = new CentredNoise(42);
        var generator = new torch.Generator(7);
        byte[] before = generator.get_state().data<byte>().ToArray();
        var config = new SchedulerConfig { ClipSample = false };
        using ISamplerRun run = SamplerRegistry.BuiltIn.CreateRun(name, config, 10, new SamplerRunOptions { Eta = eta });
        torch.Tensor xT = noise.Sample(Shape, torch.ScalarType.Float64, torch.CPU, null, null) * run.InitNoiseSigma;

        torch.Tensor result = DiffusionSampling.Sample(run, Model, xT,
            new SamplingOptions { NoiseSampler = noise, Generator = generator });

        draws = noise.Draws - 1;
        generatorUntouched = before.SequenceEqual(generator.get_state().data<byte>().ToArray());
        return result.data<double>().ToArray();
    }

    /// <summary>The library API hands the modality's noise sampler to the loop: x_T plus one draw per DDPM step but the
    /// last.</summary>
    [Fact]
    public void GenerateUsesTheModalitysNoiseSampler()
    {
        using var scope = torch.NewDisposeScope();
        var noise = new CentredNoise(3);
        var denoiser = new FunctionDenoiser(PredictionType.Epsilon, (x, t, _) => Model(x, t));
        using DiffusionModel model = FunctionModality.Model(denoiser, [5, 3], new SchedulerConfig { ClipSample = false }, noise);

        torch.Tensor result = model.Generate(new GenerationRequest { Count = 2, Steps = 8, Sampler = "ddpm" });

        Assert.Equal(1 + 7, noise.Draws);
        Assert.True(result.mean([1]).abs().max().ToDouble() < 1e-5);
    }
}
