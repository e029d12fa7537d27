using DiffusionFramework.Core.Sampling;
using DiffusionFramework.Core.Schedules;

namespace DiffusionFramework.Tests.Sampling.EdmFlow;

/// <summary>Registration and the checks both samplers make before any work.</summary>
public class EdmFlowConfigTests
{
    [Theory]
    [InlineData("EDMEulerScheduler", "edm_euler")]
    [InlineData("edm_euler", "edm_euler")]
    [InlineData("FlowMatchEulerDiscreteScheduler", "flow_euler")]
    [InlineData("flow_euler", "flow_euler")]
    public void RegisteredUnderTheirDiffusersNames(string query, string name) =>
        Assert.Equal(name, SamplerRegistry.BuiltIn.Get(query).Name);

    [Theory]
    [InlineData("""{"sigma_schedule": "linear"}""", "sigma_schedule")]
    [InlineData("""{"final_sigmas_type": "one"}""", "final_sigmas_type")]
    [InlineData("""{"time_shift_type": "cubic"}""", "time_shift_type")]
    public void UnknownScheduleValuesFailWhenTheConfigIsRead(string json, string key) =>
        Assert.Contains(key, Assert.Throws<ArgumentException>(() => SchedulerConfig.FromJson(json)).Message);

    public static TheoryData<string, SchedulerConfig, SamplerRunOptions?, string> BadEdmInputs() => new()
    {
        { "sample prediction", new SchedulerConfig { PredictionType = "sample" }, null, "prediction_type \"sample\"" },
        { "flow prediction", new SchedulerConfig { PredictionType = "flow_prediction" }, null, "flow_prediction" },
        { "zero sigma_min", new SchedulerConfig { SigmaMin = 0 }, null, "sigma_min" },
        { "sigma_max below sigma_min", new SchedulerConfig { SigmaMin = 2, SigmaMax = 1 }, null, "sigma_max" },
        { "negative sigma_data", new SchedulerConfig { SigmaData = -0.5 }, null, "sigma_data" },
        { "infinite sigma_max", new SchedulerConfig { SigmaMax = double.PositiveInfinity }, null, "sigma_max" },
        { "zero rho", new SchedulerConfig { Rho = 0 }, null, "rho" },
        { "negative churn", new SchedulerConfig(), new SamplerRunOptions { SChurn = -1 }, "s_churn" },
        { "NaN s_tmin", new SchedulerConfig(), new SamplerRunOptions { SChurn = 1, STmin = double.NaN }, "s_tmin" },
    };

    [Theory]
    [MemberData(nameof(BadEdmInputs))]
    public void EdmEulerRejectsBadInputBeforeAnyWork(string what, SchedulerConfig config, SamplerRunOptions? options,
        string message)
    {
        var e = Assert.Throws<ArgumentException>(() => new EdmEulerSampler().CreateRun(config, 10, options));
        Assert.True(e.Message.Contains(message, StringComparison.Ordinal) && e.Message.Contains("edm_euler"),
            $"{what}: {e.Message}");
    }

    public static TheoryData<string, string, double?, string> BadFlowInputs() => new()
    {
        { "dynamic shifting without mu", """{"use_dynamic_shifting": true}""", null, "SamplerRunOptions.Mu" },
        { "epsilon prediction", """{"prediction_type": "epsilon"}""", null, "prediction_type \"epsilon\"" },
        { "karras and beta sigmas", """{"use_beta_sigmas": true, "use_karras_sigmas": true}""", null, "use_beta_sigmas" },
        { "two respacings", """{"use_karras_sigmas": true, "use_exponential_sigmas": true}""", null, "use_karras_sigmas" },
        { "terminal at 1", """{"shift_terminal": 1.0}""", null, "shift_terminal" },
        { "zero shift", """{"shift": 0.0}""", null, "shift" },
        { "linear shift with negative mu", """{"use_dynamic_shifting": true, "time_shift_type": "linear"}""", -1.0, "mu" },
        { "infinite mu", """{"use_dynamic_shifting": true}""", double.PositiveInfinity, "mu" },
    };

    [Theory]
    [MemberData(nameof(BadFlowInputs))]
    public void FlowEulerRejectsBadInputBeforeAnyWork(string what, string json, double? mu, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => new FlowMatchEulerSampler().CreateRun(
            SchedulerConfig.FromJson(json), 10, new SamplerRunOptions { Mu = mu }));
        Assert.True(e.Message.Contains(message, StringComparison.Ordinal) && e.Message.Contains("flow_euler"),
            $"{what}: {e.Message}");
    }

    [Fact]
    public void FlowEulerIgnoresMuWithoutDynamicShiftingAsDiffusersDoes()
    {
        using var plain = (ISigmaSpaceRun)new FlowMatchEulerSampler().CreateRun(new SchedulerConfig { Shift = 3 }, 6);
        using var withMu = (ISigmaSpaceRun)new FlowMatchEulerSampler().CreateRun(new SchedulerConfig { Shift = 3 }, 6,
            new SamplerRunOptions { Mu = 2 });
        Assert.Equal(plain.Sigmas, withMu.Sigmas);
    }

    [Fact]
    public void FlowConfigKeysRoundTripThroughJson()
    {
        var config = SchedulerConfig.FromJson("""
            {"_class_name": "FlowMatchEulerDiscreteScheduler", "shift": 3.0, "shift_terminal": 0.02,
             "invert_sigmas": false, "stochastic_sampling": true, "base_shift": 0.5, "max_shift": 1.15,
             "base_image_seq_len": 256, "max_image_seq_len": 4096, "use_dynamic_shifting": false}
            """);
        Assert.Equal(0.02, config.ShiftTerminal);
        Assert.True(config.StochasticSampling);
        Assert.Equal(4096, config.MaxImageSeqLen);
        Assert.Null(config.ExtensionData);
        Assert.Equal(config.ShiftTerminal, SchedulerConfig.FromJson(config.ToJson()).ShiftTerminal);
    }
}
