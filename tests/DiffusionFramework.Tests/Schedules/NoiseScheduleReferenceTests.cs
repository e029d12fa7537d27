using System.Text.Json;
using DiffusionFramework.Core.Schedules;
using DiffusionFramework.Tests.Reference;

namespace DiffusionFramework.Tests.Schedules;

/// <summary>Betas, alphas and alphas_cumprod against diffusers' DDPMScheduler.__init__ (beta_schedules.json).</summary>
public class NoiseScheduleReferenceTests
{
    public static TheoryData<string> CaseIds()
    {
        var data = new TheoryData<string>();
        foreach (JsonElement c in Cases())
        {
            data.Add(c.GetProperty("id").GetString()!);
        }

        return data;
    }

    /// <summary>
    /// Every schedule except sigmoid is bit-exact: the float32 torch.linspace kernel is emulated, and the cosine and
    /// laplace betas are computed in double and rounded once, as diffusers does.
    /// </summary>
    [Theory]
    [MemberData(nameof(CaseIds))]
    public void ScheduleMatchesDiffusers(string id)
    {
        JsonElement c = Cases().Single(e => e.GetProperty("id").GetString() == id);
        NoiseSchedule schedule = NoiseSchedule.FromConfig(SchedulerConfig.FromJson(c.GetProperty("config").GetRawText()));

        Assert.Equal(1000, schedule.NumTrainTimesteps);
        if (id == "schedule/sigmoid")
        {
            // torch's vectorised float32 exp (SLEEF, ≤ 1 ulp) and the C runtime's expf disagree by 1 ulp on ~3 % of
            // the sigmoids (≤ 2 ulps after the affine map); README numerics note 3 allows ~1e-6 relative.
            AssertRelative(c.GetProperty("betas"), schedule.Betas, 1e-6, "betas");
            AssertRelative(c.GetProperty("alphas_cumprod"), schedule.AlphasCumprod, 1e-6, "alphas_cumprod");
            return;
        }

        AssertFloat32Equal(c.GetProperty("betas"), schedule.Betas, "betas");
        AssertFloat32Equal(c.GetProperty("alphas"), schedule.Alphas, "alphas");
        AssertFloat32Equal(c.GetProperty("alphas_cumprod"), schedule.AlphasCumprod, "alphas_cumprod");
    }

    [Fact]
    public void ZeroSnrRescaleEndsAtZeroAndKeepsTheFirstAlphaBar()
    {
        NoiseSchedule plain = NoiseSchedule.FromConfig(new SchedulerConfig { BetaSchedule = "scaled_linear", BetaStart = 0.00085, BetaEnd = 0.012 });
        NoiseSchedule rescaled = NoiseSchedule.FromConfig(new SchedulerConfig
        {
            BetaSchedule = "scaled_linear", BetaStart = 0.00085, BetaEnd = 0.012, RescaleBetasZeroSnr = true,
        });

        // Lin et al. 2023, Algorithm 1: alphā_T = 0 (zero terminal SNR), alphā_0 unchanged, still decreasing.
        Assert.Equal(0f, rescaled.AlphasCumprod[^1]);
        Assert.Equal(1f, rescaled.Betas[^1]);
        Assert.Equal(plain.AlphasCumprod[0], rescaled.AlphasCumprod[0], 6);
        for (int i = 1; i < 1000; i++)
        {
            Assert.True(rescaled.AlphasCumprod[i] <= rescaled.AlphasCumprod[i - 1]);
        }
    }

    [Fact]
    public void TrainedBetasReplaceTheSchedule()
    {
        NoiseSchedule schedule = NoiseSchedule.FromConfig(new SchedulerConfig { TrainedBetas = [0.1, 0.5, 0.25] });

        Assert.Equal([0.1f, 0.5f, 0.25f], schedule.Betas);
        Assert.Equal([0.9f, 0.5f, 0.75f], schedule.Alphas);
        // torch's cumprod accumulates float32 values in double and rounds each output once.
        Assert.Equal([0.9f, (float)((double)0.9f * 0.5f), (float)((double)0.9f * 0.5f * 0.75f)], schedule.AlphasCumprod);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void RejectsFewerThanOneTrainingTimestep(int n)
    {
        var e = Assert.Throws<ArgumentException>(() => NoiseSchedule.FromConfig(new SchedulerConfig { NumTrainTimesteps = n }));
        Assert.Contains("num_train_timesteps", e.Message);
    }

    [Fact]
    public void RejectsBetasOutsideZeroOne()
    {
        var e = Assert.Throws<ArgumentException>(() => NoiseSchedule.FromConfig(new SchedulerConfig { TrainedBetas = [0.1, 1.5] }));
        Assert.Contains("beta[1]", e.Message);
    }

    private static IEnumerable<JsonElement> Cases() =>
        ReferenceData.Schedulers("beta_schedules.json").RootElement.GetProperty("cases").EnumerateArray();

    private static void AssertRelative(JsonElement expected, IReadOnlyList<float> actual, double tolerance, string what)
    {
        double[] reference = ReferenceData.Doubles(expected);
        Assert.Equal(reference.Length, actual.Count);
        for (int i = 0; i < reference.Length; i++)
        {
            double error = Math.Abs(actual[i] - reference[i]) / Math.Abs(reference[i]);
            Assert.True(error <= tolerance, $"{what}[{i}]: {actual[i]:R} vs {reference[i]:R}, relative error {error:E2}");
        }
    }

    private static void AssertFloat32Equal(JsonElement expected, IReadOnlyList<float> actual, string what)
    {
        float[] reference = ReferenceData.Doubles(expected).Select(v => (float)v).ToArray();
        Assert.Equal(reference.Length, actual.Count);
        int[] differing = Enumerable.Range(0, reference.Length).Where(i => reference[i] != actual[i]).ToArray();
        Assert.True(differing.Length == 0,
            $"{what}: {differing.Length} of {reference.Length} values differ, first at {string.Join(", ", differing.Take(5).Select(i => $"[{i}] {actual[i]:R} vs {reference[i]:R}"))}");
    }
}
