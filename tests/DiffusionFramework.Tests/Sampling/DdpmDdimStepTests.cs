using DiffusionFramework.Core.Sampling;
using DiffusionFramework.Core.Schedules;
using DiffusionFramework.Tests.Reference;
using TorchSharp;

namespace DiffusionFramework.Tests.Sampling;

/// <summary>
/// Single DDPM/DDIM steps against the papers' formulas evaluated here in double from the schedule's alphā (the engine
/// uses float32 coefficients like diffusers, hence the 1e-5 relative tolerance): the variance types that the
/// reference files do not cover, clipping and dynamic thresholding.
/// </summary>
public class DdpmDdimStepTests
{
    private const int T = 900, Prev = 800;

    public static TheoryData<string> VarianceTypes() => new()
    {
        "fixed_small", "fixed_small_log", "fixed_large", "fixed_large_log", "learned", "learned_range",
    };

    [Theory]
    [MemberData(nameof(VarianceTypes))]
    public void DdpmStepIsThePosteriorMeanPlusTheConfiguredStandardDeviation(string varianceType)
    {
        using var scope = torch.NewDisposeScope();
        var config = new SchedulerConfig { VarianceType = varianceType, ClipSample = false };
        NoiseSchedule schedule = NoiseSchedule.FromConfig(config);
        using ISamplerRun run = new DdpmSampler().CreateRun(config, 10);
        Assert.Equal(T, run.Timesteps[0]);
        Assert.Equal(Prev, run.Timesteps[1]);
        torch.Tensor x = Fixed(1), eps = Fixed(2), z = Fixed(3);
        const double predictedVariance = 0.2;
        bool learned = varianceType.StartsWith("learned", StringComparison.Ordinal);
        torch.Tensor output = learned ? torch.cat([eps, torch.full_like(eps, predictedVariance)], 1) : eps;

        torch.Tensor prev = run.Step(output, 0, x, Replay(z)).PrevSample;

        // Ho et al. 2020, eq. 7 and 15, with t' = 800: ᾱ_t/ᾱ_t' plays the role of α_t.
        double aT = schedule.AlphasCumprod[T], aP = schedule.AlphasCumprod[Prev];
        double alpha = aT / aP, beta = 1 - alpha, posterior = (1 - aP) / (1 - aT) * beta;
        torch.Tensor x0 = (x - eps * Math.Sqrt(1 - aT)) / Math.Sqrt(aT);
        torch.Tensor mean = x0 * (Math.Sqrt(aP) * beta / (1 - aT)) + x * (Math.Sqrt(alpha) * (1 - aP) / (1 - aT));
        double std = varianceType switch
        {
            "fixed_small" or "fixed_small_log" => Math.Sqrt(posterior),
            "fixed_large" or "fixed_large_log" => Math.Sqrt(beta),
            "learned" => Math.Sqrt(predictedVariance),
            _ => Math.Exp(0.5 * (0.6 * Math.Log(beta) + 0.4 * Math.Log(posterior))),
        };
        AssertClose(mean + z * std, prev, 1e-5);
    }

    [Fact]
    public void LearnedVarianceNeedsTwiceTheChannels()
    {
        using var scope = torch.NewDisposeScope();
        using ISamplerRun run = new DdpmSampler().CreateRun(new SchedulerConfig { VarianceType = "learned" }, 10);
        var e = Assert.Throws<ArgumentException>(() => run.Step(Fixed(2), 0, Fixed(1), Replay(Fixed(3))));
        Assert.Contains("twice", e.Message);
    }

    [Fact]
    public void DdpmClipsThePredictedSampleByDefault()
    {
        using var scope = torch.NewDisposeScope();
        using ISamplerRun clipped = new DdpmSampler().CreateRun(new SchedulerConfig { ClipSampleRange = 0.5 }, 10);
        using ISamplerRun free = new DdpmSampler().CreateRun(new SchedulerConfig { ClipSample = false }, 10);
        torch.Tensor x = Fixed(1) * 0.02, eps = Fixed(2) * 0.01;

        torch.Tensor x0 = clipped.Step(eps, 0, x, Replay(Fixed(3))).PredOriginalSample!;
        torch.Tensor unclipped = free.Step(eps, 0, x, Replay(Fixed(3))).PredOriginalSample!;

        Assert.True(unclipped.abs().max().item<double>() > 0.5);
        Assert.True(unclipped.abs().min().item<double>() < 0.5);
        Assert.True(x0.allclose(unclipped.clamp(-0.5, 0.5), 0, 0));
    }

    /// <summary>Saharia et al. 2022: s = clamp(quantile_p |x0|, 1, max); x0 ← clamp(x0, -s, s) / s.</summary>
    [Fact]
    public void DynamicThresholdingUsesThePerSampleQuantile()
    {
        using var scope = torch.NewDisposeScope();
        torch.Tensor x0 = torch.tensor(new[] { 0.5, -2, 4, 1, 0.1, 0.2, -0.3, 0.4 }).reshape(2, 1, 2, 2);

        // Sample 0: |x0| sorted 0.5, 1, 2, 4; the median interpolates to 1.5. Sample 1: the median 0.25 is raised to 1.
        double[] median = SampleLimits.DynamicThreshold(x0, 0.5, 10).data<double>().ToArray();
        Assert.Equal([0.5 / 1.5, -1, 1, 1 / 1.5, 0.1, 0.2, -0.3, 0.4], median, (a, b) => Math.Abs(a - b) < 1e-15);
        double[] capped = SampleLimits.DynamicThreshold(x0, 0.5, 1.2).data<double>().ToArray();
        Assert.Equal([0.5 / 1.2, -1, 1, 1 / 1.2, 0.1, 0.2, -0.3, 0.4], capped, (a, b) => Math.Abs(a - b) < 1e-15);
    }

    [Fact]
    public void DdimThresholdsThePredictedSampleWhenConfigured()
    {
        using var scope = torch.NewDisposeScope();
        var config = new SchedulerConfig { Thresholding = true, DynamicThresholdingRatio = 0.9, SampleMaxValue = 1.5 };
        NoiseSchedule schedule = NoiseSchedule.FromConfig(config);
        using ISamplerRun run = new DdimSampler().CreateRun(config, 10);
        torch.Tensor x = Fixed(1) * 3, eps = Fixed(2);

        SamplerStepResult result = run.Step(eps, 0, x, Replay());

        // Song et al. 2021, eq. 12 with η = 0: x_t' = √ᾱ_t' x0 + √(1 - ᾱ_t') ε, x0 thresholded first.
        double aT = schedule.AlphasCumprod[T], aP = schedule.AlphasCumprod[Prev];
        torch.Tensor x0 = SampleLimits.DynamicThreshold((x - eps * Math.Sqrt(1 - aT)) / Math.Sqrt(aT), 0.9, 1.5);
        AssertClose(x0, result.PredOriginalSample!, 1e-5);
        AssertClose(x0 * Math.Sqrt(aP) + eps * Math.Sqrt(1 - aP), result.PrevSample, 1e-5);
    }

    private static torch.Tensor Fixed(int seed) =>
        torch.randn([2, 3, 4, 4], dtype: torch.ScalarType.Float64, generator: new torch.Generator((ulong)seed));

    private static StepNoise Replay(params torch.Tensor[] noise) =>
        new(new ReplayNoiseSampler(noise.Select(n => n.data<double>().ToArray())));

    private static void AssertClose(torch.Tensor expected, torch.Tensor actual, double tolerance)
    {
        double error = ReferenceRunner.MaxRelativeError(expected.data<double>().ToArray(), actual.data<double>().ToArray());
        Assert.True(error <= tolerance, $"relative error {error:E3} > {tolerance:E1}");
    }
}
