using DiffusionFramework.Abstractions;
using DiffusionFramework.Core;
using DiffusionFramework.Core.Sampling;
using DiffusionFramework.Core.Schedules;

namespace DiffusionFramework.Tests.Sampling;

/// <summary>Sampler lookup and the argument checks every sampler shares.</summary>
public class SamplerRegistryTests
{
    [Theory]
    [InlineData("ddim", "ddim")]
    [InlineData("DDIM", "ddim")]
    [InlineData("DDIMScheduler", "ddim")]
    [InlineData("ddpmscheduler", "ddpm")]
    [InlineData(" ddpm ", "ddpm")]
    public void FindsSamplersByNameOrAliasIgnoringCase(string query, string name) =>
        Assert.Equal(name, SamplerRegistry.BuiltIn.Get(query).Name);

    [Fact]
    public void UnknownNameListsTheValidOnes()
    {
        var e = Assert.Throws<ArgumentException>(() => SamplerRegistry.BuiltIn.Get("heun2"));
        Assert.Contains("\"heun2\"", e.Message);
        foreach (ISampler sampler in SamplerRegistry.BuiltIn.Samplers)
        {
            Assert.Contains(sampler.Name, e.Message);
            Assert.All(sampler.Aliases, alias => Assert.Contains(alias, e.Message));
        }

        Assert.False(SamplerRegistry.BuiltIn.TryGet("heun2", out _));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void FewerThanOneStepIsRejectedBeforeAnyWork(int steps)
    {
        // The config is unusable (unknown sampler, bad schedule): the step count must be reported first.
        var bad = new SchedulerConfig { NumTrainTimesteps = -1 };
        var e = Assert.Throws<ArgumentException>(() => SamplerRegistry.BuiltIn.CreateRun("no-such-sampler", bad, steps));
        Assert.Contains("at least 1", e.Message);
        foreach (ISampler sampler in SamplerRegistry.BuiltIn.Samplers)
        {
            Assert.Contains("at least 1", Assert.Throws<ArgumentException>(() => sampler.CreateRun(bad, steps)).Message);
        }
    }

    [Fact]
    public void MoreStepsThanTrainingTimestepsAreRejected()
    {
        foreach (ISampler sampler in SamplerRegistry.BuiltIn.Samplers)
        {
            var e = Assert.Throws<ArgumentException>(() => sampler.CreateRun(new SchedulerConfig { NumTrainTimesteps = 50 }, 51));
            Assert.Contains("50 training timesteps", e.Message);
        }
    }

    [Fact]
    public void DuplicateNamesAreRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => new SamplerRegistry([new DdimSampler(), new DdimSampler()]));
        Assert.Contains("ddim", e.Message);
    }

    [Fact]
    public void PredictionTypeStringsRoundTripAndUnsupportedOnesAreRejected()
    {
        foreach (PredictionType type in Enum.GetValues<PredictionType>())
        {
            Assert.Equal(type, PredictionTypes.Parse(PredictionTypes.ToConfigString(type)));
        }

        Assert.Equal(PredictionType.VPrediction, PredictionTypes.Parse("v_prediction"));
        Assert.Equal(PredictionType.Flow, PredictionTypes.Parse("flow_prediction"));
        Assert.Contains("\"flow_prediction\"", Assert.Throws<ArgumentException>(() => PredictionTypes.Parse("flow")).Message);
        var e = Assert.Throws<ArgumentException>(() =>
            new DdimSampler().CreateRun(new SchedulerConfig { PredictionType = "flow_prediction" }, 10));
        Assert.Contains("flow_prediction", e.Message);
    }

    [Fact]
    public void NegativeEtaIsRejected() =>
        Assert.Contains("eta", Assert.Throws<ArgumentException>(() =>
            new DdimSampler().CreateRun(new SchedulerConfig(), 10, new SamplerRunOptions { Eta = -0.5 })).Message);
}
