using DiffusionFramework.Core.Schedules;

namespace DiffusionFramework.Tests.Schedules;

/// <summary>Karras and exponential σ spacings and the σ ↔ timestep map, against their defining properties.</summary>
public class SigmaSpacingTests
{
    [Theory]
    [InlineData(10, 0.0292, 14.6146, 7.0)]
    [InlineData(25, 0.002, 80.0, 7.0)]
    [InlineData(5, 0.1, 10.0, 3.0)]
    public void KarrasSigmasAreLinearInSigmaToTheOneOverRho(int n, double sigmaMin, double sigmaMax, double rho)
    {
        double[] sigmas = SigmaSpacing.KarrasSigmas(n, sigmaMin, sigmaMax, rho);

        Assert.Equal(n, sigmas.Length);
        Assert.Equal(sigmaMax, sigmas[0], 1e-12 * sigmaMax);
        Assert.Equal(sigmaMin, sigmas[^1], 1e-12 * sigmaMax);
        double step = (Math.Pow(sigmaMin, 1 / rho) - Math.Pow(sigmaMax, 1 / rho)) / (n - 1);
        for (int i = 1; i < n; i++)
        {
            Assert.Equal(step, Math.Pow(sigmas[i], 1 / rho) - Math.Pow(sigmas[i - 1], 1 / rho), 1e-12);
        }
    }

    [Fact]
    public void KarrasSigmasMatchTheEdmPaperFormula()
    {
        // Karras et al. 2022, eq. 5 with their defaults (σ_min 0.002, σ_max 80, ρ 7), i = 1 of N = 18.
        double expected = Math.Pow(Math.Pow(80, 1 / 7.0) + 1 / 17.0 * (Math.Pow(0.002, 1 / 7.0) - Math.Pow(80, 1 / 7.0)), 7);
        Assert.Equal(expected, SigmaSpacing.KarrasSigmas(18, 0.002, 80)[1], 1e-12);
        Assert.Equal([80.0], SigmaSpacing.KarrasSigmas(1, 0.002, 80));
    }

    [Fact]
    public void ExponentialSigmasHaveAConstantRatio()
    {
        double[] sigmas = SigmaSpacing.ExponentialSigmas(9, 0.03, 14.6);
        Assert.Equal(14.6, sigmas[0], 1e-12);
        Assert.Equal(0.03, sigmas[^1], 1e-12);
        double ratio = Math.Pow(0.03 / 14.6, 1 / 8.0);
        for (int i = 1; i < sigmas.Length; i++)
        {
            Assert.Equal(ratio, sigmas[i] / sigmas[i - 1], 1e-12);
        }
    }

    [Theory]
    [InlineData(0, 0.1, 1.0)]
    [InlineData(5, -0.1, 1.0)]
    [InlineData(5, 1.0, 0.5)]
    [InlineData(5, 0.1, double.PositiveInfinity)]
    public void BadSpacingArgumentsThrow(int n, double sigmaMin, double sigmaMax)
    {
        Assert.ThrowsAny<ArgumentException>(() => SigmaSpacing.KarrasSigmas(n, sigmaMin, sigmaMax));
        Assert.ThrowsAny<ArgumentException>(() => SigmaSpacing.ExponentialSigmas(n, sigmaMin, sigmaMax));
    }

    [Fact]
    public void SigmaToTimestepInvertsTheTrainingSigmas()
    {
        float[] sigmas = SigmaTimestepMap.TrainingSigmas(
            NoiseSchedule.FromConfig(new SchedulerConfig { BetaSchedule = "scaled_linear", BetaStart = 0.00085, BetaEnd = 0.012 })
                .AlphasCumprod);
        float[] logSigmas = SigmaTimestepMap.LogSigmas(sigmas);
        foreach (int t in new[] { 0, 1, 17, 500, 998, 999 })
        {
            Assert.Equal(t, SigmaTimestepMap.TimestepOf(sigmas[t], logSigmas), 1e-4);
            Assert.Equal(sigmas[t], SigmaTimestepMap.SigmaAt(sigmas, t));
        }

        // Between two timesteps: σ is linear in t, t is linear in log σ (geometric mean ↔ midpoint).
        Assert.Equal((sigmas[40] + (double)sigmas[41]) / 2, SigmaTimestepMap.SigmaAt(sigmas, 40.5), 1e-12);
        Assert.Equal(40.5, SigmaTimestepMap.TimestepOf(Math.Sqrt(sigmas[40] * (double)sigmas[41]), logSigmas), 1e-4);

        // Outside the table both ends clamp.
        Assert.Equal(0, SigmaTimestepMap.TimestepOf(sigmas[0] / 2, logSigmas));
        Assert.Equal(999, SigmaTimestepMap.TimestepOf(sigmas[999] * 2, logSigmas));
        Assert.Equal(sigmas[999], SigmaTimestepMap.SigmaAt(sigmas, 1200.0));
    }

    [Fact]
    public void ZeroTerminalSnrKeepsSigmaFinite()
    {
        var schedule = NoiseSchedule.FromConfig(new SchedulerConfig { RescaleBetasZeroSnr = true });
        Assert.Equal(0f, schedule.AlphasCumprod[^1]);
        float[] alphaBar = SigmaTimestepMap.SigmaSpaceAlphasCumprod(schedule.AlphasCumprod);
        Assert.Equal(MathF.Pow(2, -24), alphaBar[^1]);
        Assert.True(float.IsFinite(SigmaTimestepMap.TrainingSigmas(alphaBar)[^1]));
    }
}
