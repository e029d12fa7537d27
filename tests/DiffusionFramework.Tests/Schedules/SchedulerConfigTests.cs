using System.Text.Json;
using System.Text.Json.Nodes;
using DiffusionFramework.Core.Schedules;
using DiffusionFramework.Tests.Reference;

namespace DiffusionFramework.Tests.Schedules;

/// <summary>SchedulerConfig reads and writes diffusers' scheduler_config.json.</summary>
public class SchedulerConfigTests
{
    public static TheoryData<string> ReferenceFiles() => new()
    {
        "beta_schedules.json", "add_noise.json", "sampling_DDPMScheduler.json", "sampling_DDIMScheduler.json",
        "sampling_EulerDiscreteScheduler.json", "sampling_DPMSolverMultistepScheduler.json",
    };

    /// <summary>Every key of every reference config survives FromJson → ToJson with its value (nulls are omitted).</summary>
    [Theory]
    [MemberData(nameof(ReferenceFiles))]
    public void EveryReferenceConfigRoundTrips(string file)
    {
        foreach (JsonElement c in ReferenceData.Schedulers(file).RootElement.GetProperty("cases").EnumerateArray())
        {
            JsonObject original = JsonNode.Parse(c.GetProperty("config").GetRawText())!.AsObject();
            string written = SchedulerConfig.FromJson(original.ToJsonString()).ToJson();
            JsonObject back = JsonNode.Parse(written)!.AsObject();

            foreach (var (key, value) in original)
            {
                if (value is null)
                {
                    Assert.False(back.ContainsKey(key), $"{file}: null {key} was written");
                    continue;
                }

                Assert.True(back.ContainsKey(key), $"{file}: {key} was dropped");
                Assert.True(JsonNode.DeepEquals(value, back[key]), $"{file}: {key} = {value.ToJsonString()} came back as {back[key]?.ToJsonString()}");
            }

            Assert.Equal(original.Count(p => p.Value is not null), back.Count);
            Assert.Equal(written, SchedulerConfig.FromJson(written).ToJson());
        }
    }

    [Fact]
    public void ReadsTypedValuesWithSnakeCaseNames()
    {
        SchedulerConfig config = SchedulerConfig.FromJson("""
            {"num_train_timesteps": 500, "beta_schedule": "scaled_linear", "beta_start": 0.00085,
             "rescale_betas_zero_snr": true, "lambda_min_clipped": "-inf", "sigma_max": "inf",
             "trained_betas": [0.1, 0.2], "disable_corrector": [0, 3], "_class_name": "DDIMScheduler"}
            """);

        Assert.Equal(500, config.NumTrainTimesteps);
        Assert.Equal("scaled_linear", config.BetaSchedule);
        Assert.Equal(0.00085, config.BetaStart);
        Assert.True(config.RescaleBetasZeroSnr);
        Assert.Equal(double.NegativeInfinity, config.LambdaMinClipped);
        Assert.Equal(double.PositiveInfinity, config.SigmaMax);
        Assert.Equal([0.1, 0.2], config.TrainedBetas!);
        Assert.Equal([0, 3], config.DisableCorrector!);
        Assert.Equal("DDIMScheduler", config.ClassName);
        Assert.Null(config.PredictionType);
        Assert.Contains("\"lambda_min_clipped\": \"-inf\"", config.ToJson());
    }

    /// <summary>diffusers saves -inf with Python's json.dumps as a bare -Infinity token.</summary>
    [Fact]
    public void AcceptsPythonNonFiniteLiteralsButLeavesStringsAlone()
    {
        SchedulerConfig config = SchedulerConfig.FromJson(
            """{"lambda_min_clipped": -Infinity, "sigma_max": Infinity, "flow_shift": NaN, "_class_name": "Infinity NaN \"-Infinity\""}""");

        Assert.Equal(double.NegativeInfinity, config.LambdaMinClipped);
        Assert.Equal(double.PositiveInfinity, config.SigmaMax);
        Assert.True(double.IsNaN(config.FlowShift!.Value));
        Assert.Equal("Infinity NaN \"-Infinity\"", config.ClassName);
    }

    [Fact]
    public void KeepsUnknownKeys()
    {
        SchedulerConfig config = SchedulerConfig.FromJson("""{"beta_end": 0.012, "some_future_key": [1, "two"]}""");

        JsonObject written = JsonNode.Parse(config.ToJson())!.AsObject();
        Assert.Equal(0.012, (double)written["beta_end"]!);
        Assert.Equal("""[1,"two"]""", written["some_future_key"]!.ToJsonString());
    }

    [Theory]
    [InlineData("""{"beta_schedule": "cosine"}""", "beta_schedule", "\"squaredcos_cap_v2\"")]
    [InlineData("""{"timestep_spacing": "uniform"}""", "timestep_spacing", "\"trailing\"")]
    [InlineData("""{"prediction_type": "eps"}""", "prediction_type", "\"v_prediction\"")]
    [InlineData("""{"variance_type": "small"}""", "variance_type", "\"fixed_small_log\"")]
    [InlineData("""{"algorithm_type": "dpm"}""", "algorithm_type", "\"sde-dpmsolver++\"")]
    [InlineData("""{"final_sigmas_type": "one"}""", "final_sigmas_type", "\"sigma_min\"")]
    public void UnknownEnumStringListsTheValidOnes(string json, string key, string aValidOne)
    {
        var e = Assert.Throws<ArgumentException>(() => SchedulerConfig.FromJson(json));
        Assert.Contains(key, e.Message);
        Assert.Contains(aValidOne, e.Message);
    }

    [Fact]
    public void UnknownEnumStringIsRejectedInCodeToo()
    {
        var e = Assert.Throws<ArgumentException>(() => new SchedulerConfig { TimestepSpacing = "Leading" });
        Assert.Contains("\"leading\", \"trailing\", \"linspace\"", e.Message);
    }

    [Theory]
    [InlineData("""{"num_train_timesteps": "many"}""", "num_train_timesteps")]
    [InlineData("""{"beta_start": true}""", "beta_start")]
    [InlineData("""{"beta_start": 0.1""", "")]
    [InlineData("""[1, 2]""", "")]
    public void MalformedJsonIsAnArgumentException(string json, string mentioned)
    {
        var e = Assert.Throws<ArgumentException>(() => SchedulerConfig.FromJson(json));
        Assert.Contains(mentioned, e.Message);
        Assert.StartsWith("scheduler config:", e.Message);
    }

    [Fact]
    public void SaveAndLoadUseTheFileAndNameItOnError()
    {
        string folder = Directory.CreateTempSubdirectory("schedcfg").FullName;
        try
        {
            string path = Path.Combine(folder, "scheduler_config.json");
            var config = new SchedulerConfig { BetaSchedule = "squaredcos_cap_v2", StepsOffset = 1, LambdaMinClipped = double.NegativeInfinity };
            config.Save(path);
            Assert.Equal(config, SchedulerConfig.Load(path));
            Assert.Single(Directory.GetFiles(folder));

            File.WriteAllText(path, """{"beta_schedule": "cosine"}""");
            var e = Assert.Throws<InvalidDataException>(() => SchedulerConfig.Load(path));
            Assert.Contains(path, e.Message);
            Assert.Contains("beta_schedule", e.Message);
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }
}
