using DiffusionFramework.Core.Sampling;
using DiffusionFramework.Core.Schedules;
using TorchSharp;

namespace DiffusionFramework.Tests.Sampling;

/// <summary>
/// The Euler sampler against closed forms: in σ-space the probability-flow ODE is dx/dσ = ε (Karras et al. 2022,
/// eq. 1 with σ(t) = t), so a constant ε is integrated exactly, x_N = x_0 + (σ_N - σ_0) ε, on any σ grid.
/// </summary>
public class EulerAnalyticTests
{
    [Theory]
    [InlineData("linspace", false, false, "zero")]
    [InlineData("leading", true, false, "zero")]
    [InlineData("trailing", false, true, "sigma_min")]
    public void ConstantNoisePredictionIsIntegratedExactly(string spacing, bool karras, bool exponential, string finalSigma)
    {
        var config = new SchedulerConfig
        {
            BetaSchedule = "linear", TimestepSpacing = spacing, UseKarrasSigmas = karras,
            UseExponentialSigmas = exponential, FinalSigmasType = finalSigma,
        };
        using var scope = torch.NewDisposeScope();
        using var run = (ISigmaSpaceRun)new EulerSampler().CreateRun(config, 9);
        torch.Tensor epsilon = torch.randn([4, 6], dtype: torch.float64, generator: new torch.Generator(8));
        torch.Tensor xT = torch.randn([4, 6], dtype: torch.float64, generator: new torch.Generator(9)) * run.InitNoiseSigma;

        torch.Tensor x = DiffusionSampling.Sample(run, (_, _) => epsilon.clone(), xT);

        torch.Tensor expected = xT + epsilon * ((double)run.Sigmas[^1] - run.Sigmas[0]);
        double error = (x - expected).abs().max().item<double>() / expected.abs().max().item<double>();
        Assert.True(error <= 1e-6, $"relative error {error:E3}");
    }

    [Fact]
    public void ScaledModelInputIsTheVariancePreservingSample()
    {
        // x_in = x / √(σ² + 1): for x = σ·ε (pure noise at level σ) the model sees unit variance scaled by σ_t = σ/√(σ²+1).
        using var scope = torch.NewDisposeScope();
        using var run = (ISigmaSpaceRun)new EulerSampler().CreateRun(new SchedulerConfig(), 4);
        torch.Tensor x = torch.ones(3, dtype: torch.float64) * run.Sigmas[1];
        double scaled = run.ScaleModelInput(x, 1)[0].item<double>();
        double sigma = run.Sigmas[1];
        Assert.Equal(sigma / Math.Sqrt(sigma * sigma + 1), scaled, 1e-6);
    }

    [Fact]
    public void FinalSigmaMinIsTheFirstTrainingSigma()
    {
        var config = new SchedulerConfig { FinalSigmasType = "sigma_min" };
        using var run = (ISigmaSpaceRun)new EulerSampler().CreateRun(config, 5);
        float alphaBar0 = NoiseSchedule.FromConfig(config).AlphasCumprod[0];
        Assert.Equal(Math.Sqrt((1 - alphaBar0) / alphaBar0), run.Sigmas[^1], 1e-7);
        Assert.Equal(run.Timesteps.Count + 1, run.Sigmas.Count);
    }

    [Fact]
    public void ContinuousTimestepsAreAQuarterLogSigma()
    {
        // EDM's c_noise = ln(σ)/4 (Karras et al. 2022, table 1) for timestep_type "continuous" with v-prediction.
        var config = new SchedulerConfig { TimestepType = "continuous", PredictionType = "v_prediction" };
        using var run = (ISigmaSpaceRun)new EulerSampler().CreateRun(config, 6);
        for (int i = 0; i < run.Timesteps.Count; i++)
        {
            Assert.Equal(0.25 * Math.Log(run.Sigmas[i]), run.Timesteps[i], 1e-6);
        }
    }

    [Fact]
    public void UnsupportedOptionsAreRejectedWithTheKeyName()
    {
        var sampler = new EulerSampler();
        Assert.Contains("use_beta_sigmas",
            Assert.Throws<ArgumentException>(() => sampler.CreateRun(new SchedulerConfig { UseBetaSigmas = true }, 5)).Message);
        Assert.Contains("interpolation_type",
            Assert.Throws<ArgumentException>(() => sampler.CreateRun(new SchedulerConfig { InterpolationType = "log_linear" }, 5)).Message);
        Assert.Contains("use_karras_sigmas", Assert.Throws<ArgumentException>(() =>
            sampler.CreateRun(new SchedulerConfig { UseKarrasSigmas = true, UseExponentialSigmas = true }, 5)).Message);
        Assert.Throws<ArgumentException>(() => sampler.CreateRun(new SchedulerConfig(), 0));
        Assert.Throws<ArgumentException>(() => sampler.CreateRun(new SchedulerConfig(), 1001));
    }
}
