using System.Text.Json.Nodes;
using DiffusionFramework.Cli;

namespace DiffusionFramework.Tests.Cli;

/// <summary>
/// Bad input through the CLI: each case exits with the documented code, prints exactly one line on standard error that
/// names the file or value and the problem, and leaves no output behind.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class CliBadInputTests(TrainedRunFixture run) : IDisposable
{
    private readonly ScratchFolder _scratch = new();

    public void Dispose() => _scratch.Dispose();

    private string Output => _scratch["out"];

    /// <summary>A copy of the run's last checkpoint, to damage.</summary>
    private string CopyOfCheckpoint(string name = "checkpoint") => _scratch.CopyFolder(run.Checkpoint(30), name);

    private CliResult Sample(string checkpoint, params string[] extra) =>
        CliRunner.Run(["sample", checkpoint, "--count", "4", "--steps", "2", "--out", Output, .. extra]);

    /// <summary>The exit code, one error line containing every one of <paramref name="mentions"/>, and no --out folder.</summary>
    private void AssertRefused(CliResult result, int exitCode, params string[] mentions)
    {
        Assert.True(result.ExitCode == exitCode, result.ToString());
        string line = Assert.Single(result.ErrorLines);
        Assert.StartsWith("diffusion: error: ", line);
        foreach (string mention in mentions)
            Assert.True(line.Contains(mention, StringComparison.Ordinal), $"'{mention}' is missing from: {line}");
        Assert.DoesNotContain("(Parameter '", line);
        Assert.False(Directory.Exists(Output) || File.Exists(Output), $"{Output} was created:\n{result}");
    }

    [Fact]
    public void MissingCheckpointFolder()
    {
        string missing = _scratch["no-such-checkpoint"];
        AssertRefused(Sample(missing), ExitCodes.BadInput, missing, "does not exist");
    }

    [Fact]
    public void FolderWithoutConfigJson()
    {
        string empty = Directory.CreateDirectory(_scratch["empty"]).FullName;
        AssertRefused(Sample(empty), ExitCodes.BadInput, Path.Combine(empty, "config.json"), "missing");
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("truncated")]
    [InlineData("empty")]
    public void CorruptConfigJson(string damage)
    {
        string checkpoint = CopyOfCheckpoint();
        string config = Path.Combine(checkpoint, "config.json");
        string text = File.ReadAllText(config);
        File.WriteAllText(config, damage switch
        {
            "garbage" => "\u0001\u0002 not json at all {",
            "truncated" => text[..(text.Length / 2)],
            _ => "",
        });
        AssertRefused(Sample(checkpoint), ExitCodes.BadInput, config, "not a valid checkpoint config");
    }

    [Fact]
    public void ConfigNamingAnUnknownModality()
    {
        string checkpoint = CopyOfCheckpoint();
        string config = EditConfig(checkpoint, c => c["modality"] = "no-such-modality");
        AssertRefused(Sample(checkpoint), ExitCodes.BadInput, config, "'no-such-modality'", "not loaded", "loaded modalities: image, points2d");
    }

    [Fact]
    public void ConfigNamingAnUnknownPlugin()
    {
        string checkpoint = CopyOfCheckpoint();
        string config = EditConfig(checkpoint, c => c["plugin_id"] = "no-such-plugin");
        AssertRefused(Sample(checkpoint), ExitCodes.BadInput, config, "'no-such-plugin'");
    }

    [Theory]
    [InlineData("model.safetensors", "--no-ema")]
    [InlineData("ema.safetensors", null)]
    public void TruncatedWeights(string file, string? option)
    {
        string checkpoint = CopyOfCheckpoint();
        string weights = Path.Combine(checkpoint, file);
        byte[] bytes = File.ReadAllBytes(weights);
        File.WriteAllBytes(weights, bytes[..(bytes.Length / 2)]);
        AssertRefused(Sample(checkpoint, option is null ? [] : [option]), ExitCodes.BadInput, weights, "truncated");
    }

    [Fact]
    public void NetworkConfigThatDoesNotMatchTheWeights()
    {
        string checkpoint = CopyOfCheckpoint();
        EditConfig(checkpoint, c => c["network"]!["hidden"] = 48);
        AssertRefused(Sample(checkpoint), ExitCodes.BadInput, Path.Combine(checkpoint, "ema.safetensors"),
            "'input_proj.weight' has shape [32,2] but the network expects [48,2]");
    }

    [Fact]
    public void UnknownSamplerListsTheValidOnes()
    {
        AssertRefused(Sample(run.RunFolder, "--sampler", "bogus-sampler"), ExitCodes.Usage,
            "\"bogus-sampler\"", "ddpm", "ddim", "euler", "dpmsolver++");
    }

    [Theory]
    [InlineData("sample", "--steps", "0")]
    [InlineData("sample", "--count", "0")]
    [InlineData("sample", "--steps", "-3")]
    [InlineData("eval", "--steps", "0")]
    [InlineData("eval", "--count", "0")]
    public void NonPositiveStepsOrCount(string command, string option, string value)
    {
        CliResult result = CliRunner.Run(command == "sample"
            ? ["sample", run.RunFolder, option, value, "--out", Output]
            : ["eval", run.RunFolder, option, value]);
        AssertRefused(result, ExitCodes.Usage, option, $"(got {value})");
    }

    [Theory]
    [InlineData("bogus", "is not one of: cpu | cuda | cuda:N | auto.")]
    [InlineData("cuda:x", "is not one of: cpu | cuda | cuda:N | auto.")]
    [InlineData("meta", "holds no values")]
    public void UnusableDevice(string device, string problem)
    {
        AssertRefused(Sample(run.RunFolder, "--device", device), ExitCodes.Usage, $"'{device}'", problem);
    }

    [Fact]
    public void TrainUnknownModality()
    {
        AssertRefused(CliRunner.Run("train", "no-such-modality", "--steps", "2", "--out", Output), ExitCodes.Usage,
            "'no-such-modality'", "loaded modalities: image, points2d");
    }

    [Fact]
    public void TrainWithMissingDataLeavesNoRunFolder()
    {
        string data = _scratch["missing.csv"];
        AssertRefused(CliRunner.Run("train", "points2d", "--data", data, "--steps", "2", "--out", Output),
            ExitCodes.BadInput, data);
    }

    [Fact]
    public void TrainIntoAFilledFolderWithoutResumeIsRefusedAndTouchesNothing()
    {
        string runCopy = _scratch.CopyFolder(run.RunFolder, "run");
        string notes = Directory.CreateDirectory(_scratch["notes"]).FullName;
        File.WriteAllText(Path.Combine(notes, "README.txt"), "mine");
        foreach (string folder in new[] { runCopy, notes })
        {
            var before = ScratchFolder.Snapshot(folder);
            CliResult result = CliRunner.Run(TrainedRunFixture.TrainArguments(folder, 40));
            Assert.True(result.ExitCode == ExitCodes.BadInput, result.ToString());
            string line = Assert.Single(result.ErrorLines);
            Assert.Equal($"diffusion: error: --out '{folder}' already exists and is not empty; choose another folder or pass --resume to continue its run.", line);
            Assert.Equal(before, ScratchFolder.Snapshot(folder));
        }
    }

    [Fact]
    public void BrokenPluginIsReportedAndTheRestStillWorks()
    {
        string plugins = Directory.CreateDirectory(_scratch["plugins"]).FullName;
        string broken = Path.Combine(Directory.CreateDirectory(Path.Combine(plugins, "Broken")).FullName, "Broken.dll");
        File.WriteAllBytes(broken, [.. "MZ"u8, .. Enumerable.Range(0, 4096).Select(i => (byte)(i * 31))]);

        CliResult listed = CliRunner.Succeed("plugins", "--plugins", plugins);
        Assert.Contains(listed.OutLines, l => l.StartsWith("points2d 1.0.0 [points2d]", StringComparison.Ordinal));
        Assert.Contains("Failed to load (1):", listed.OutLines);
        Assert.Contains(listed.OutLines, l => l.StartsWith("Broken.dll: ", StringComparison.Ordinal) && l.Contains(broken, StringComparison.Ordinal));
        Assert.Empty(listed.Error);

        CliResult sampled = CliRunner.Succeed("sample", run.RunFolder, "--count", "4", "--steps", "2", "--out", Output, "--plugins", plugins);
        Assert.Equal(2, Directory.GetFiles(Output).Length);
        Assert.DoesNotContain("error", sampled.Error);
    }

    /// <summary>Rewrites config.json of <paramref name="checkpoint"/> through <paramref name="edit"/>; returns its path.</summary>
    private static string EditConfig(string checkpoint, Action<JsonObject> edit)
    {
        string path = Path.Combine(checkpoint, "config.json");
        var config = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(config);
        File.WriteAllText(path, config.ToJsonString());
        return path;
    }
}
