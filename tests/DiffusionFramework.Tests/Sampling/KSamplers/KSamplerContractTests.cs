using DiffusionFramework.Core.Sampling;
using DiffusionFramework.Core.Schedules;
using DiffusionFramework.Tests.Reference;
using TorchSharp;

namespace DiffusionFramework.Tests.Sampling.KSamplers;

/// <summary>
/// Names, aliases, defaults and bad input of Euler ancestral, Heun, KDPM2 and LMS: the diffusers class names resolve
/// (so a reference case's <c>scheduler_class</c> finds its sampler), diffusers' per-scheduler beta defaults,
/// <c>clip_sample</c> for Heun, and clear errors for unsupported options and out-of-order steps.
/// </summary>
public class KSamplerContractTests
{
    [Theory]
    [InlineData("EulerAncestralDiscreteScheduler", "euler_a", true)]
    [InlineData("euler_ancestral", "euler_a", true)]
    [InlineData("HeunDiscreteScheduler", "heun", false)]
    [InlineData("KDPM2DiscreteScheduler", "kdpm2", false)]
    [InlineData("LMSDiscreteScheduler", "lms", false)]
    public void DiffusersClassNamesResolve(string alias, string name, bool stochastic)
    {
        ISampler sampler = SamplerRegistry.BuiltIn.Get(alias);
        Assert.Equal(name, sampler.Name);
        Assert.Equal(stochastic, sampler.IsStochastic);
    }

    [Theory]
    [InlineData("heun")]
    [InlineData("kdpm2")]
    public void HeunAndKdpm2DefaultToStableDiffusionBetas(string name)
    {
        // diffusers: beta_start 0.00085, beta_end 0.012 for Heun and KDPM2; 0.0001, 0.02 for the others.
        var explicitBetas = new SchedulerConfig { BetaStart = 0.00085, BetaEnd = 0.012 };
        using var defaults = (ISigmaSpaceRun)SamplerRegistry.BuiltIn.CreateRun(name, new SchedulerConfig(), 10);
        using var explicitRun = (ISigmaSpaceRun)SamplerRegistry.BuiltIn.CreateRun(name, explicitBetas, 10);
        using var lms = (ISigmaSpaceRun)new LmsSampler().CreateRun(new SchedulerConfig(), 10);
        Assert.Equal(explicitRun.Sigmas, defaults.Sigmas);
        Assert.NotEqual(lms.Sigmas[0], defaults.Sigmas[0]);
    }

    [Fact]
    public void HeunClipsThePredictedSampleWhenAsked()
    {
        SamplingCase c = KSamplerKit.EulerCases[0];
        using var scope = torch.NewDisposeScope();
        using ISamplerRun run = new HeunSampler().CreateRun(c.Config with { ClipSample = true, ClipSampleRange = 0.5 }, 10);
        torch.Tensor x = KSamplerKit.XT(c);
        torch.Tensor output = ReferenceCases.SyntheticModel(run.ScaleModelInput(x, 0), torch.full(2, run.Timesteps[0],
            dtype: torch.ScalarType.Float64));
        SamplerStepResult result = run.Step(output, 0, x, StepNoise.Default);
        Assert.True(result.PredOriginalSample!.abs().max().item<double>() <= 0.5);
    }

    [Theory]
    [InlineData("heun")]
    [InlineData("kdpm2")]
    [InlineData("lms")]
    public void StepsOutOfOrderAreRejected(string name)
    {
        SamplingCase c = KSamplerKit.EulerCases[0];
        using var scope = torch.NewDisposeScope();
        using ISamplerRun run = SamplerRegistry.BuiltIn.CreateRun(name, c.Config, 10);
        torch.Tensor x = KSamplerKit.XT(c);
        torch.Tensor output = ReferenceCases.SyntheticModel(x, torch.full(2, 999.0, dtype: torch.ScalarType.Float64));
        if (name == "lms")
        {
            run.Step(output, 0, x, StepNoise.Default);
        }

        var error = Assert.Throws<InvalidOperationException>(() => run.Step(output, name == "lms" ? 2 : 1, x, StepNoise.Default));
        Assert.Contains("step", error.Message);
    }

    [Theory]
    [InlineData("euler_a")]
    [InlineData("heun")]
    [InlineData("kdpm2")]
    [InlineData("lms")]
    public void UnsupportedOptionsFailBeforeAnyWork(string name)
    {
        Assert.Contains("use_beta_sigmas", Assert.Throws<ArgumentException>(() =>
            SamplerRegistry.BuiltIn.CreateRun(name, new SchedulerConfig { UseBetaSigmas = true }, 10)).Message);
        Assert.Contains("flow_prediction", Assert.Throws<ArgumentException>(() =>
            SamplerRegistry.BuiltIn.CreateRun(name, new SchedulerConfig { PredictionType = "flow_prediction" }, 10)).Message);
        Assert.Throws<ArgumentException>(() => SamplerRegistry.BuiltIn.CreateRun(name, new SchedulerConfig(), 0));
        Assert.Throws<ArgumentException>(() => SamplerRegistry.BuiltIn.CreateRun(name, new SchedulerConfig(), 1001));
    }

    [Fact]
    public void LmsRejectsAnOrderBelowOne() =>
        Assert.Contains("order", Assert.Throws<ArgumentException>(() =>
            new LmsSampler().CreateRun(new SchedulerConfig(), 10, new SamplerRunOptions { Order = 0 })).Message);

    [Fact]
    public void TheExponentialBetaScheduleIsExpOfMinusTwelveT()
    {
        var schedule = NoiseSchedule.FromConfig(new SchedulerConfig { BetaSchedule = "exp" });
        // alphā_t = exp(-12 (t+1)/T) telescopes through the betas: alphā_999 = exp(-12) (within float32 rounding).
        Assert.Equal(Math.Exp(-12.0), schedule.AlphasCumprod[999], Math.Exp(-12.0) * 1e-4);
        Assert.Equal(1 - Math.Exp(-12.0 / 1000), schedule.Betas[0], 1e-9);
    }
}
