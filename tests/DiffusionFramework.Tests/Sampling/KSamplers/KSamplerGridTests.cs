using DiffusionFramework.Core.Sampling;
using DiffusionFramework.Core.Schedules;
using DiffusionFramework.Tests.Reference;
using TorchSharp;

namespace DiffusionFramework.Tests.Sampling.KSamplers;

/// <summary>
/// The grids of Euler ancestral, Heun, KDPM2 and LMS against diffusers' <c>EulerDiscreteScheduler</c> numbers for the
/// same config (all five build σ and timesteps with the same code in diffusers), and the exact properties of the
/// second-order layouts: 2N - 1 timesteps, repeated σ, log-σ midpoints, the final σ 0, init_noise_sigma and the
/// model-input scale 1/√(σ² + 1).
/// </summary>
/// <remarks>σ and timesteps are compared exactly, Karras and exponential ones too (the log σ table is numpy's float32
/// log, see <see cref="SigmaTimestepMap"/>).</remarks>
public class KSamplerGridTests
{
    private const double TimestepTolerance = 0;

    public static TheoryData<string> Ids() => KSamplerKit.EulerIds();

    [Theory]
    [MemberData(nameof(Ids))]
    public void EulerAncestralAndLmsUseDiffusersEulerGrid(string id)
    {
        SamplingCase c = KSamplerKit.EulerCase(id);
        foreach (ISampler sampler in new ISampler[] { new EulerAncestralSampler(), new LmsSampler() })
        {
            using var run = (ISigmaSpaceRun)sampler.CreateRun(c.Config, c.NumInferenceSteps);
            Assert.Equal(c.Sigmas!, run.Sigmas.Select(s => (double)s));
            AssertTimesteps(c.Timesteps, run.Timesteps, TimestepTolerance);
            Assert.Equal(c.InitNoiseSigma, run.InitNoiseSigma);
            Assert.Equal(1, run.Order);
        }
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void HeunRepeatsEveryTimestepAndSigmaButTheEnds(string id)
    {
        SamplingCase c = KSamplerKit.EulerCase(id);
        int n = c.NumInferenceSteps;
        using var run = (ISigmaSpaceRun)new HeunSampler().CreateRun(c.Config, n);

        Assert.Equal(2 * n - 1, run.Timesteps.Count);
        Assert.Equal(2 * n, run.Sigmas.Count);
        Assert.Equal(2, run.Order);
        Assert.Equal(c.InitNoiseSigma, run.InitNoiseSigma);
        double[] expectedTimesteps = [c.Timesteps[0], .. c.Timesteps[1..].SelectMany(t => new[] { t, t })];
        AssertTimesteps(expectedTimesteps, run.Timesteps, TimestepTolerance);
        double[] expectedSigmas = [c.Sigmas![0], .. c.Sigmas[1..^1].SelectMany(s => new[] { s, s }), 0.0];
        Assert.Equal(expectedSigmas, run.Sigmas.Select(s => (double)s));
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Kdpm2InterleavesLogSigmaMidpoints(string id)
    {
        SamplingCase c = KSamplerKit.EulerCase(id);
        int n = c.NumInferenceSteps;
        bool karras = c.Config.UseKarrasSigmas == true;
        using var run = (ISigmaSpaceRun)new Kdpm2Sampler().CreateRun(c.Config, n);

        Assert.Equal(2 * n - 1, run.Timesteps.Count);
        Assert.Equal(2, run.Order);
        Assert.Equal(c.InitNoiseSigma, run.InitNoiseSigma);
        double[] expectedSigmas = [c.Sigmas![0], .. c.Sigmas[1..].SelectMany(s => new[] { s, s }), 0.0];
        Assert.Equal(expectedSigmas, run.Sigmas.Select(s => (double)s));

        float[] trainSigmas = SigmaTimestepMap.TrainingSigmas(NoiseSchedule.FromConfig(c.Config).AlphasCumprod);
        using var ones = torch.ones(1, dtype: torch.ScalarType.Float64);
        for (int k = 0; k < n; k++)
        {
            // Even entries: the Euler timesteps (Karras ones rounded to integers, as diffusers' KDPM2 does).
            double t = run.Timesteps[2 * k];
            Assert.True(Math.Abs(t - c.Timesteps[k]) <= (karras ? 0.5 : TimestepTolerance * Math.Max(1, t)),
                $"{id}: timestep {2 * k} is {t}, diffusers' Euler has {c.Timesteps[k]}");
            Assert.True(!karras || t == Math.Round(t), $"{id}: Karras timestep {t} is not an integer");
            if (k == 0)
            {
                continue;
            }

            // Odd entries: the timestep of σ̂_k = √(σ_{k-1} σ_k), between diffusers' (unrounded) neighbours, with log σ
            // linear between training timesteps (up to a float32 rounding of t̂); the model input uses σ̂_k.
            double midpoint = Math.Sqrt(c.Sigmas[k - 1] * c.Sigmas[k]);
            double tMid = run.Timesteps[2 * k - 1];
            Assert.InRange(tMid, c.Timesteps[k], c.Timesteps[k - 1]);
            int low = Math.Min((int)Math.Floor(tMid), trainSigmas.Length - 2);
            double slope = Math.Log(trainSigmas[low + 1] / trainSigmas[low]);
            double logSigma = Math.Log(trainSigmas[low]) + (tMid - low) * slope;
            Assert.True(Math.Abs(logSigma - Math.Log(midpoint)) <= Math.Abs(slope) * 2 * (MathF.BitIncrement((float)tMid) - (float)tMid) + 1e-6,
                $"{id}: σ(t̂_{k}) = {Math.Exp(logSigma)}, σ̂ = {midpoint}");
            double scale = run.ScaleModelInput(ones, 2 * k - 1).item<double>();
            Assert.Equal(1 / Math.Sqrt(midpoint * midpoint + 1), scale, 1e-6);
        }
    }

    [Theory]
    [InlineData("heun")]
    [InlineData("lms")]
    [InlineData("euler_a")]
    [InlineData("kdpm2")]
    public void ModelInputIsScaledByOneOverRootSigmaSquaredPlusOne(string name)
    {
        SamplingCase c = KSamplerKit.EulerCases[0];
        using var run = (ISigmaSpaceRun)SamplerRegistry.BuiltIn.CreateRun(name, c.Config, c.NumInferenceSteps);
        using torch.Tensor x = KSamplerKit.XT(c);
        for (int i = 0; i < run.Timesteps.Count; i += name == "kdpm2" ? 2 : 1)
        {
            double sigma = run.Sigmas[i];
            using torch.Tensor scaled = run.ScaleModelInput(x, i);
            using torch.Tensor ratio = scaled / x;
            double expected = 1 / Math.Sqrt(sigma * sigma + 1);
            Assert.True((ratio - expected).abs().max().item<double>() <= 1e-7 * expected, $"{name}: step {i}");
        }
    }

    private static void AssertTimesteps(IReadOnlyList<double> expected, IReadOnlyList<double> actual, double tolerance)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            double error = Math.Abs(actual[i] - expected[i]) / Math.Max(Math.Abs(expected[i]), 1);
            Assert.True(error <= tolerance, $"timestep {i} is {actual[i]}, expected {expected[i]} (relative error {error:E3})");
        }
    }
}
