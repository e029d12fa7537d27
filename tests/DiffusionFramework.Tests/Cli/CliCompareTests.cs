using System.Globalization;

namespace DiffusionFramework.Tests.Cli;

/// <summary><c>diffusion compare</c> on the shared points2d run: the default samplers that step ε models, a DDPM
/// reference, CSV and PNG; bad options fail before any output folder is made.</summary>
[Collection(CliCollection.Name)]
public sealed class CliCompareTests(TrainedRunFixture run) : IDisposable
{
    private readonly ScratchFolder _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public void DefaultSamplersAndTheDdpmReferenceLandInTheCsvAndPlot()
    {
        string folder = _scratch["compare"];
        CliRunner.Succeed("compare", run.RunFolder, "--steps", "2,4", "--reference-steps", "20", "--count", "64", "--threads", "1",
            "--out", folder);

        string[] rows = File.ReadAllLines(Path.Combine(folder, "compare.csv"));
        Assert.Equal("sampler,steps,nfe,metric,value,seconds", rows[0]);
        string[] cells = [.. rows[1..].Select(r => string.Join(",", r.Split(',')[..2]))];
        string[] expected =
        [
            "ddpm,20",
            .. new[] { "ddim", "euler", "heun", "dpmsolver++", "dpmsolver++:solver_order=3", "unipc" }
                .SelectMany(s => new[] { $"{s},2", $"{s},4" }),
        ];
        Assert.Equal(expected, cells);
        foreach (string row in rows[1..])
            Assert.True(double.Parse(row.Split(',')[4], CultureInfo.InvariantCulture) >= 0, row);
        Assert.True(new FileInfo(Path.Combine(folder, "compare.png")).Length > 0);
    }

    [Theory]
    [InlineData("--samplers", "flow_euler", "'flow_euler' does not support epsilon models; samplers that do: ")]
    [InlineData("--samplers", "nosuch", "unknown sampler \"nosuch\"")]
    [InlineData("--steps", "0", "--steps '0' is not a step count >= 1.")]
    [InlineData("--metric", "nope", "--metric 'nope' is not one of")]
    public void BadOptionsFailBeforeAnyOutput(string option, string value, string message)
    {
        string folder = _scratch[$"bad{option}"];
        CliResult result = CliRunner.Run("compare", run.RunFolder, option, value, "--out", folder);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(message, result.Error);
        Assert.False(Directory.Exists(folder));
    }
}
