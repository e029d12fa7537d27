using DiffusionFramework.Hosting;
using DiffusionFramework.Cli;

namespace DiffusionFramework.Tests.Cli;

/// <summary>Plugin tasks as CLI verbs: options, defaults, required options, exit codes and name collisions.</summary>
[Collection(CliCollection.Name)]
public sealed class CliPluginTaskTests(TrainedRunFixture run) : IDisposable
{
    private static readonly string TaskPlugin = Path.Combine(AppContext.BaseDirectory, "cli-test-plugins", "TaskTestPlugin");
    private static readonly string GoodPlugin = Path.Combine(AppContext.BaseDirectory, "test-plugins", "GoodTestPlugin");
    private readonly ScratchFolder _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public void EchoTaskRunsWithItsDefaultAndReturnsItsExitCode()
    {
        CliResult defaulted = CliRunner.Run("test-echo", "--plugins", GoodPlugin);
        Assert.Equal(7, defaulted.ExitCode);
        Assert.Equal(["echo: hello"], defaulted.OutLines);

        CliResult given = CliRunner.Run("test-echo", "--text", "abc def", "--plugins", GoodPlugin);
        Assert.Equal(7, given.ExitCode);
        Assert.Equal(["echo: abc def"], given.OutLines);
    }

    [Fact]
    public void OptionsReachTheTaskWithDefaultsFilledAndAbsentOnesLeftOut()
    {
        CliResult result = CliRunner.Run("test-options", "--target", "t.bin", "--plugins", TaskPlugin);
        Assert.True(result.ExitCode == 0, result.ToString());
        // The services are the host's: the test plugin's two tasks plus those of the plugins the CLI loads by default.
        string services = $"services: {2 + DefaultPluginTaskCount()}";
        Assert.Equal(["code=0", "mode=fast", "target=t.bin", services], result.OutLines);

        CliResult all = CliRunner.Run("test-options", "--target", "t", "--note", "n", "--mode", "slow", "--code", "5", "--plugins", TaskPlugin);
        Assert.Equal(5, all.ExitCode);
        Assert.Equal(["code=5", "mode=slow", "note=n", "target=t", services], all.OutLines);
    }

    private static int DefaultPluginTaskCount()
    {
        using DiffusionHost host = new DiffusionHostBuilder().Build();
        return host.Tasks.Count();
    }

    [Fact]
    public void RequiredOptionIsEnforcedAndHelpShowsDefaults()
    {
        CliResult missing = CliRunner.Run("test-options", "--plugins", TaskPlugin);
        Assert.Equal(ExitCodes.Usage, missing.ExitCode);
        Assert.Contains(missing.ErrorLines, l => l.Contains("--target", StringComparison.Ordinal));
        Assert.Empty(missing.Out);

        CliResult help = CliRunner.Run("test-options", "--help", "--plugins", TaskPlugin);
        Assert.Equal(0, help.ExitCode);
        Assert.Contains(help.OutLines, l => l.StartsWith("--target", StringComparison.Ordinal) && l.Contains("(REQUIRED)", StringComparison.Ordinal));
        Assert.Contains(help.OutLines, l => l.StartsWith("--mode", StringComparison.Ordinal) && l.EndsWith("[default: fast]", StringComparison.Ordinal));
        Assert.Contains(help.OutLines, l => l.Contains("Writes its options back. (plugin task, modality 'test-none')", StringComparison.Ordinal));
    }

    [Fact]
    public void TaskErrorsAreMappedLikeBuiltInOnes()
    {
        CliResult result = CliRunner.Run("test-options", "--target", "missing.file", "--plugins", TaskPlugin);
        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Equal(["diffusion: error: missing.file: file not found"], result.ErrorLines);
    }

    [Fact]
    public void ATaskNamedLikeABuiltInIsLeftOutAndReported()
    {
        CliResult listed = CliRunner.Succeed("plugins", "--plugins", TaskPlugin);
        Assert.Contains("Tasks not added as commands (1):", listed.OutLines);
        Assert.Contains(listed.OutLines, l => l.StartsWith(
            "sample (test-none, TaskTestPlugin): its name collides with the command 'sample'", StringComparison.Ordinal));

        // The built-in sample still runs (the colliding task throws if it is ever called).
        string output = _scratch["out"];
        CliRunner.Succeed("sample", run.RunFolder, "--count", "3", "--steps", "2", "--out", output, "--plugins", TaskPlugin);
        Assert.True(File.Exists(Path.Combine(output, "sample.csv")));
    }
}
