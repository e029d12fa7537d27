using System.Globalization;
using System.Text.RegularExpressions;

namespace DiffusionFramework.Tests.Cli;

[Collection(CliCollection.Name)]
public sealed class CliModelBenchTests(TrainedRunFixture run)
{
    [Fact]
    public void BenchOfACheckpointReportsSamplesPerSecondAndTheRunOverBareCallsRatio()
    {
        CliResult result = CliRunner.Succeed("bench", "--checkpoint", run.RunFolder, "--batch", "16", "--steps", "4",
            "--samplers", "ddim,heun", "--repeats", "1");

        Assert.Contains("points2d model, batch 16, 4 steps", result.Out);
        foreach ((string sampler, int calls) in new[] { ("ddim", 4), ("heun", 7) })
        {
            Match m = Regex.Match(result.Out, $@"{sampler}\s+([\d.]+) samples/s\s+run (\d+) ms / {calls} bare calls (\d+) ms = ([\d.]+)");
            Assert.True(m.Success, result.ToString());
            Assert.True(double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) > 0);
        }
    }
}
