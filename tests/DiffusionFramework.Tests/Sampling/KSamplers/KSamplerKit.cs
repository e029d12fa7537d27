using DiffusionFramework.Abstractions;
using DiffusionFramework.Core;
using DiffusionFramework.Core.Noise;
using DiffusionFramework.Core.Sampling;
using DiffusionFramework.Core.Schedules;
using DiffusionFramework.Tests.Reference;
using TorchSharp;

namespace DiffusionFramework.Tests.Sampling.KSamplers;

/// <summary>Runs samplers through the public loop and collects every step's sample, for the k-sampler tests.</summary>
internal static class KSamplerKit
{
    /// <summary>The diffusers Euler reference cases (their grids are what Euler ancestral, Heun, KDPM2 and LMS build
    /// from the same config).</summary>
    public static IReadOnlyList<SamplingCase> EulerCases => ReferenceCases.Sampling("EulerDiscreteScheduler");

    /// <summary>Euler case ids as member data.</summary>
    public static TheoryData<string> EulerIds() => ReferenceCases.SamplingIds("EulerDiscreteScheduler");

    /// <summary>The Euler case <paramref name="id"/>.</summary>
    public static SamplingCase EulerCase(string id) => ReferenceCases.Sampling("EulerDiscreteScheduler", id);

    /// <summary>Every step's sample (flat float64) of <paramref name="run"/> from <paramref name="xT"/>.</summary>
    public static List<double[]> Trajectory(ISamplerRun run, Func<torch.Tensor, torch.Tensor, torch.Tensor> model,
        torch.Tensor xT, INoiseSampler? noise = null, torch.Generator? generator = null)
    {
        using var scope = torch.NewDisposeScope();
        var samples = new List<double[]>();
        DiffusionSampling.Sample(run, model, xT, new SamplingOptions
        {
            NoiseSampler = noise ?? GaussianNoiseSampler.Instance,
            Generator = generator,
            Progress = p => samples.Add(p.Sample.to(torch.ScalarType.Float64).data<double>().ToArray()),
        });
        return samples;
    }

    /// <summary>The reference case's x_T as a float64 tensor.</summary>
    public static torch.Tensor XT(SamplingCase c) => ReferenceCases.ToTensor(c.XT);

    /// <summary>A Karras-σ config of <paramref name="beta"/> (linspace spacing, so σ_min and σ_max do not depend on the
    /// step count).</summary>
    public static SchedulerConfig KarrasConfig(string beta, PredictionType prediction) => new()
    {
        BetaSchedule = beta,
        BetaStart = beta == "scaled_linear" ? 0.00085 : 0.0001,
        BetaEnd = beta == "scaled_linear" ? 0.012 : 0.02,
        PredictionType = PredictionTypes.ToConfigString(prediction),
        TimestepSpacing = "linspace",
        UseKarrasSigmas = true,
    };

    /// <summary>max |a - b| / max |b|.</summary>
    public static double RelativeError(double[] actual, double[] expected) =>
        ReferenceRunner.MaxRelativeError(expected, actual);
}
