using DiffusionFramework.Cli;
using DiffusionFramework.Cli.Commands;
using DiffusionFramework.Tests.Editing;
using TorchSharp;

namespace DiffusionFramework.Tests.Cli;

/// <summary>
/// Bad input to guidance, img2img and inpaint: the documented exit code, one error line naming the option or file and
/// the problem, and no output folder.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class CliEditingBadInputTests(TrainedRunFixture run) : IDisposable
{
    private readonly ScratchFolder _scratch = new();

    public void Dispose() => _scratch.Dispose();

    private string Output => _scratch["out"];

    private string Csv(string name, string text)
    {
        File.WriteAllText(_scratch[name], text);
        return _scratch[name];
    }

    private string ThreePoints() => Csv("input.csv", "x,y\n0.1,0.2\n0.3,0.4\n0.5,0.6\n");

    private CliResult Run(params string[] args) =>
        CliRunner.Run([args[0], run.RunFolder, "--steps", "2", "--out", Output, .. args[1..]]);

    private void AssertRefused(CliResult result, int exitCode, params string[] mentions)
    {
        Assert.True(result.ExitCode == exitCode, result.ToString());
        string line = Assert.Single(result.ErrorLines);
        Assert.StartsWith("diffusion: error: ", line);
        foreach (string mention in mentions)
            Assert.True(line.Contains(mention, StringComparison.Ordinal), $"'{mention}' is missing from: {line}");
        Assert.False(Directory.Exists(Output), $"{Output} was created:\n{result}");
    }

    [Theory]
    [InlineData("1.5")]
    [InlineData("-0.1")]
    [InlineData("NaN")]
    public void StrengthOutsideZeroToOne(string strength) =>
        AssertRefused(Run("img2img", "--input", ThreePoints(), "--strength", strength), ExitCodes.Usage,
            "--strength must lie in [0, 1]");

    [Fact]
    public void MaskWithTheWrongNumberOfRows()
    {
        string mask = Csv("mask.csv", "0,1\n1,0\n");
        AssertRefused(Run("inpaint", "--input", ThreePoints(), "--mask", mask), ExitCodes.Usage,
            $"--mask {mask} holds 2 item(s)", "another input holds 3");
    }

    [Fact]
    public void MaskValueOutsideZeroToOne()
    {
        string mask = Csv("mask.csv", "0,2\n");
        AssertRefused(Run("inpaint", "--input", ThreePoints(), "--mask", mask), ExitCodes.BadInput,
            mask, "mask values must lie in [0, 1]");
    }

    [Fact]
    public void MissingInputFile()
    {
        string missing = _scratch["missing.csv"];
        AssertRefused(Run("img2img", "--input", missing), ExitCodes.BadInput, missing, "file not found");
    }

    [Fact]
    public void MissingMaskFile()
    {
        string missing = _scratch["missing-mask.csv"];
        AssertRefused(Run("inpaint", "--input", ThreePoints(), "--mask", missing), ExitCodes.BadInput, missing, "file not found");
    }

    [Fact]
    public void MoreInputsThanCount() =>
        AssertRefused(Run("img2img", "--input", ThreePoints(), "--count", "2"), ExitCodes.Usage,
            "holds 3 item(s), but --count is 2");

    [Fact]
    public void MissingMaskOption()
    {
        CliResult result = Run("inpaint", "--input", ThreePoints());
        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains(result.ErrorLines, l => l.Contains("--mask", StringComparison.Ordinal));
        Assert.False(Directory.Exists(Output));
    }

    [Fact]
    public void RePaintSettingsWithReplaceMode() =>
        AssertRefused(Run("inpaint", "--input", ThreePoints(), "--mask", Csv("m.csv", "0,1\n"), "--resample", "3"),
            ExitCodes.Usage, "--jump-length and --resample apply to --mode repaint only");

    [Fact]
    public void RePaintJumpLengthBelowOne() =>
        AssertRefused(Run("inpaint", "--input", ThreePoints(), "--mask", Csv("m.csv", "0,1\n"), "--mode", "repaint",
            "--jump-length", "0"), ExitCodes.Usage, "--jump-length must be at least 1 (got 0)");

    [Fact]
    public void GuidanceOnTheUnconditionalPointsModel() =>
        AssertRefused(Run("sample", "--guidance", "3"), ExitCodes.Usage,
            "--guidance 3 needs a condition", "modality 'points2d' gave no class labels or context");

    [Fact]
    public void GuidanceRescaleOutsideZeroToOne() =>
        AssertRefused(Run("sample", "--guidance-rescale", "1.5"), ExitCodes.Usage, "--guidance-rescale must lie in [0, 1] (got 1.5)");

    [Fact]
    public void ClassOnAModalityThatTakesNone() =>
        AssertRefused(Run("sample", "--class", "3"), ExitCodes.Usage, "points2d takes no sampling options, got: class");

    [Fact]
    public void ContextOnAModalityThatTakesNone()
    {
        string context = ThreePoints();
        AssertRefused(Run("sample", "--context", context), ExitCodes.Usage, context, "points2d models take no context");
    }

    [Fact]
    public void AModalityWithoutAReaderIsNamed()
    {
        var denoiser = new FunctionDenoiser(DiffusionFramework.Abstractions.PredictionType.Epsilon, (x, _, _) => x);
        using var model = FunctionModality.Model(denoiser, [3]);
        var error = Assert.Throws<NotSupportedException>(() => InputBatches.RequireReader(model, "img2img --input"));
        Assert.Equal("img2img --input: modality 'test-function' (plugin editing-tests 1.0.0) cannot read input files: " +
                     "it has no sample reader (IModality.Reader).", error.Message);
    }

    [Theory]
    [InlineData(null, new long[] { 3, 1 }, 3)]
    [InlineData(null, new long[] { 1, 1 }, 1)]
    [InlineData(null, new long[0], 16)]
    [InlineData(4, new long[] { 1, 4 }, 4)]
    public void CountRules(int? count, long[] batches, int expected) =>
        Assert.Equal(expected, InputBatches.ResolveCount(count, 16, batches.Select(b => ("x", b)).ToList()));

    [Fact]
    public void MaskThatDoesNotBroadcastIsNamed()
    {
        using var mask = torch.zeros(2, 3);
        var error = Assert.Throws<ArgumentException>(() => InputBatches.RequireBroadcast(mask, 2, [2], "--mask m.csv"));
        Assert.Equal("--mask m.csv has shape [2, 3], which does not broadcast to the samples [2, 2].", error.Message);
    }
}
