using DiffusionFramework.Cli;

namespace DiffusionFramework.Tests.Cli;

[Collection(CliCollection.Name)]
public sealed class CliExportTests(TrainedRunFixture run) : IDisposable
{
    private readonly ScratchFolder _scratch = new();

    [Fact]
    public void ExportKeepsOnlyTheEmaWeightsAndSamplesLikeTheTrainingCheckpoint()
    {
        string exported = _scratch["exported"];
        CliRunner.Succeed("export", run.RunFolder, "--out", exported);

        Assert.Equal(["config.json", "model.safetensors"],
            Directory.GetFiles(exported).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToArray());
        string original = Sample(run.Checkpoint(TrainedRunFixture.Steps), "a");
        string copy = Sample(exported, "b");
        Assert.Equal(File.ReadAllText(original), File.ReadAllText(copy));
        // The raw (non-EMA) weights sample differently, so the comparison above can fail.
        string raw = Sample(run.Checkpoint(TrainedRunFixture.Steps), "c", "--no-ema");
        Assert.NotEqual(File.ReadAllText(original), File.ReadAllText(raw));
    }

    [Fact]
    public void ExportRefusesToReplaceAFolderThatIsNotACheckpoint()
    {
        string folder = _scratch["not-a-checkpoint"];
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "notes.txt"), "keep me");

        CliResult result = CliRunner.Run("export", run.RunFolder, "--out", folder);

        Assert.NotEqual(ExitCodes.Success, result.ExitCode);
        Assert.Contains("not a checkpoint folder", Assert.Single(result.ErrorLines));
        Assert.Equal("keep me", File.ReadAllText(Path.Combine(folder, "notes.txt")));
    }

    private string Sample(string checkpoint, string name, params string[] extra)
    {
        string output = _scratch[name];
        CliRunner.Succeed(["sample", checkpoint, "--count", "8", "--steps", "5", "--seed", "3", "--out", output, .. extra]);
        return Path.Combine(output, "sample.csv");
    }

    public void Dispose() => _scratch.Dispose();
}
