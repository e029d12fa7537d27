using System.Globalization;
using System.Text.Json.Nodes;

namespace DiffusionFramework.Tests.Cli;

/// <summary>
/// A flow-matching model end to end through the CLI: <c>train points2d --network prediction_type=flow_prediction</c>
/// (600 steps, one thread, shift 2), then <c>eval</c>, which samples with flow_euler by default. The sliced Wasserstein distance
/// to two moons must fall well below that of pure noise (measured: about a third of it; an untrained network is at or
/// above the noise level, and a wrong target, path or timestep convention does not come near).
/// </summary>
[Collection(CliCollection.Name)]
public sealed class CliFlowMatchingTests : IDisposable
{
    private readonly ScratchFolder _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public void TrainedFlowModelSamplesTwoMoonsAndOtherSamplersAreRefused()
    {
        string run = _scratch["flow"];
        CliRunner.Succeed("train", "points2d", "--steps", "600", "--batch-size", "256", "--network",
            "prediction_type=flow_prediction", "--scheduler-config", SchedulerFile(), "--seed", "7", "--threads", "1",
            "--out", run);

        string checkpoint = Path.Combine(run, "checkpoint-600");
        JsonNode config = JsonNode.Parse(File.ReadAllText(Path.Combine(checkpoint, "config.json")))!;
        Assert.Equal("flow_prediction", (string?)config["network"]!["prediction_type"]);
        Assert.Equal("flow_prediction", (string?)config["scheduler"]!["prediction_type"]);
        Assert.Equal(2.0, (double?)config["scheduler"]!["shift"]);

        CliResult eval = CliRunner.Succeed("eval", run, "--count", "2000", "--steps", "20", "--seed", "1", "--threads", "1");
        string[] rows = eval.OutLines;
        Assert.Equal("sliced_wasserstein_two_moons", rows[0].Split(' ', StringSplitOptions.RemoveEmptyEntries)[0]);
        double trained = FirstValue(rows[1], "flow_euler-20"), noise = FirstValue(rows[2], "noise N(0,I)");
        Assert.True(trained < 0.5 * noise, $"flow_euler-20: SW1 {trained} is not well below noise {noise}\n{eval}");

        CliResult refused = CliRunner.Run("sample", run, "--sampler", "ddim", "--count", "4", "--steps", "5", "--out", _scratch["ddim"]);
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("sampler 'ddim' does not support flow_prediction models; samplers that support flow_prediction: flow_euler",
            refused.Error);
        Assert.False(Directory.Exists(_scratch["ddim"]));

        // compare: the default list keeps flow_euler only, and the reference is a many-step flow_euler run.
        string compared = _scratch["compare"];
        CliRunner.Succeed("compare", run, "--steps", "2,8", "--reference-steps", "40", "--count", "200", "--threads", "1", "--out", compared);
        string[] csv = File.ReadAllLines(Path.Combine(compared, "compare.csv"));
        Assert.Equal(["flow_euler,40", "flow_euler,2", "flow_euler,8"], csv[1..].Select(r => string.Join(",", r.Split(',')[..2])));
        CliResult explicitDdim = CliRunner.Run("compare", run, "--samplers", "ddim", "--out", _scratch["compare-ddim"]);
        Assert.NotEqual(0, explicitDdim.ExitCode);
        Assert.Contains("--samplers: 'ddim' does not support flow_prediction models; samplers that do: flow_euler", explicitDdim.Error);
        Assert.False(Directory.Exists(_scratch["compare-ddim"]));
    }

    [Fact]
    public void LogitNormalLevelsReachTheTrainerAndOnlyFlowModelsTakeThem()
    {
        string flow = _scratch["logit-normal"];
        CliRunner.Succeed("train", "points2d", "--steps", "3", "--network", "prediction_type=flow_prediction",
            "--flow-sigmas", "logit-normal", "--flow-logit-mean", "0.5", "--flow-logit-std", "1.5", "--threads", "1", "--out", flow);
        Assert.True(Directory.Exists(Path.Combine(flow, "checkpoint-3")));

        CliResult epsilon = CliRunner.Run("train", "points2d", "--steps", "3", "--flow-sigmas", "logit-normal",
            "--threads", "1", "--out", _scratch["epsilon"]);
        Assert.NotEqual(0, epsilon.ExitCode);
        Assert.Contains("applies to flow_prediction models only", epsilon.Error);

        CliResult badStd = CliRunner.Run("train", "points2d", "--steps", "3", "--network", "prediction_type=flow_prediction",
            "--flow-sigmas", "logit-normal", "--flow-logit-std", "0", "--threads", "1", "--out", _scratch["bad-std"]);
        Assert.NotEqual(0, badStd.ExitCode);
        Assert.Contains("FlowLogitStd", badStd.Error);
        CliResult badMean = CliRunner.Run("train", "points2d", "--steps", "3", "--network", "prediction_type=flow_prediction",
            "--flow-logit-mean", "NaN", "--threads", "1", "--out", _scratch["bad-mean"]);
        Assert.NotEqual(0, badMean.ExitCode);
        Assert.Contains("FlowLogitMean", badMean.Error);
        CliResult unknown = CliRunner.Run("train", "points2d", "--flow-sigmas", "cosine", "--out", _scratch["unknown"]);
        Assert.NotEqual(0, unknown.ExitCode);
        Assert.Contains("cosine", unknown.Error);
    }

    /// <summary>A diffusers-style scheduler config with a shift of 2 (read by training and by flow_euler).</summary>
    private string SchedulerFile()
    {
        string path = Path.Combine(_scratch["config"], "scheduler_config.json");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, """{"_class_name": "FlowMatchEulerDiscreteScheduler", "num_train_timesteps": 1000, "shift": 2.0}""");
        return path;
    }

    private static double FirstValue(string row, string label)
    {
        Assert.StartsWith(label + " ", row);
        return double.Parse(row[label.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], CultureInfo.InvariantCulture);
    }
}
