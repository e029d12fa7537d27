using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Sampling;
using DiffusionFramework.Core.Schedules;
using DiffusionFramework.Tests.Reference;
using TorchSharp;

namespace DiffusionFramework.Tests.Sampling.Multistep;

/// <summary>Runs samplers on the reference files' synthetic model and compares trajectories.</summary>
internal static class MultistepRuns
{
    /// <summary>The reference files' x_T (seed 2), float64, unit init_noise_sigma.</summary>
    public static double[] XT => ReferenceCases.Sampling("DPMSolverMultistepScheduler")[0].XT;

    /// <summary>Runs <paramref name="sampler"/> on <paramref name="config"/> from x_T with <paramref name="noise"/>
    /// (standard Gaussian by default) and returns the sample after every step.</summary>
    public static List<double[]> Run(ISampler sampler, SchedulerConfig config, int steps, INoiseSampler? noise = null,
        torch.Generator? generator = null, double[]? xT = null)
    {
        using var scope = torch.NewDisposeScope();
        using ISamplerRun run = sampler.CreateRun(config, steps);
        var samples = new List<double[]>();
        torch.Tensor x = ReferenceCases.ToTensor(xT ?? XT);
        DiffusionSampling.Sample(run, ReferenceCases.SyntheticModel, x, new SamplingOptions
        {
            NoiseSampler = noise,
            Generator = generator,
            Progress = p => samples.Add(p.Sample.to(torch.ScalarType.Float64).data<double>().ToArray()),
        });
        return samples;
    }

    /// <summary>Asserts that every step of <paramref name="actual"/> is within <paramref name="tolerance"/> (relative
    /// to the sample's scale) of <paramref name="expected"/>; returns the worst error.</summary>
    public static double AssertClose(IReadOnlyList<double[]> expected, IReadOnlyList<double[]> actual, double tolerance,
        string what)
    {
        Assert.Equal(expected.Count, actual.Count);
        double worst = 0;
        for (int i = 0; i < expected.Count; i++)
        {
            double error = ReferenceRunner.MaxRelativeError(expected[i], actual[i]);
            Assert.True(error <= tolerance, $"{what}: step {i} relative error {error:E3} > {tolerance:E1}");
            worst = Math.Max(worst, error);
        }

        return worst;
    }

    /// <summary>A config of the diffusers-default linear schedule (β 1e-4 .. 0.02) with the given overrides.</summary>
    public static SchedulerConfig Linear(string json = "{}") =>
        SchedulerConfig.FromJson(json) with { BetaSchedule = "linear", BetaStart = 0.0001, BetaEnd = 0.02 };

    /// <summary>A config of Stable Diffusion's scaled_linear schedule (β 0.00085 .. 0.012) with the given overrides.</summary>
    public static SchedulerConfig ScaledLinear(string json = "{}") =>
        SchedulerConfig.FromJson(json) with { BetaSchedule = "scaled_linear", BetaStart = 0.00085, BetaEnd = 0.012 };
}

/// <summary>Hands out zeros: the stochastic samplers then follow their deterministic part.</summary>
internal sealed class ZeroNoiseSampler : INoiseSampler
{
    public int Draws { get; private set; }

    public torch.Tensor Sample(long[] shape, torch.ScalarType dtype, torch.Device device, torch.Generator? generator,
        Conditioning? conditioning)
    {
        Draws++;
        return torch.zeros(shape, dtype: dtype, device: device);
    }
}

/// <summary>Draws standard Gaussian noise from the generator and keeps a copy of every draw.</summary>
internal sealed class RecordingNoiseSampler : INoiseSampler
{
    public List<double[]> Drawn { get; } = [];

    public torch.Tensor Sample(long[] shape, torch.ScalarType dtype, torch.Device device, torch.Generator? generator,
        Conditioning? conditioning)
    {
        torch.Tensor noise = torch.randn(shape, dtype: dtype, device: device, generator: generator);
        Drawn.Add(noise.to(torch.ScalarType.Float64).data<double>().ToArray());
        return noise;
    }
}
