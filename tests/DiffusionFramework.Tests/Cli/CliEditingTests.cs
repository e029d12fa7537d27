using System.Globalization;
using DiffusionFramework.Cli;
using Points2d.Data;

namespace DiffusionFramework.Tests.Cli;

/// <summary>
/// img2img and inpaint through the CLI on the trained points2d run, read and written by points2d's reader and writer:
/// the kept part of an inpainted point is the input bit for bit, strength 0 returns the input, and the count rules.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class CliEditingTests(TrainedRunFixture run) : IDisposable
{
    /// <summary>Points with many significant digits, so that a lossy round trip would show.</summary>
    private static readonly float[,] Input =
        { { 0.123456789f, -0.987654321f }, { -1.2345678f, 0.33333334f }, { 1.7182818f, 2.7182817f }, { -0.5f, 0.1f } };

    private readonly ScratchFolder _scratch = new();

    public void Dispose() => _scratch.Dispose();

    private string Output => _scratch["out"];

    private string InputFile() => WriteCsv("input.csv", Input);

    private string WriteCsv(string name, float[,] rows)
    {
        var lines = Enumerable.Range(0, rows.GetLength(0)).Select(i =>
            $"{rows[i, 0].ToString("R", CultureInfo.InvariantCulture)},{rows[i, 1].ToString("R", CultureInfo.InvariantCulture)}");
        File.WriteAllText(_scratch[name], "x,y\n" + string.Join("\n", lines) + "\n");
        return _scratch[name];
    }

    private float[,] ReadOutput(string prefix)
    {
        using var points = PointsCsv.Read(Path.Combine(Output, prefix + ".csv"));
        float[] flat = points.data<float>().ToArray();
        var rows = new float[flat.Length / 2, 2];
        Buffer.BlockCopy(flat, 0, rows, 0, flat.Length * sizeof(float));
        return rows;
    }

    [Theory]
    [InlineData("replace")]
    [InlineData("repaint")]
    public void InpaintingYKeepsEveryXBitExact(string mode)
    {
        string mask = WriteCsv("mask.csv", new float[,] { { 0, 1 } });
        string[] rePaint = mode == "repaint" ? ["--jump-length", "2", "--resample", "2"] : [];
        CliRunner.Succeed(["inpaint", run.RunFolder, "--input", InputFile(), "--mask", mask, "--mode", mode,
            "--steps", "6", "--out", Output, .. rePaint]);

        float[,] result = ReadOutput("inpaint");
        Assert.Equal(Input.GetLength(0), result.GetLength(0));
        for (int i = 0; i < Input.GetLength(0); i++)
        {
            Assert.Equal(BitConverter.SingleToInt32Bits(Input[i, 0]), BitConverter.SingleToInt32Bits(result[i, 0]));
            Assert.NotEqual(Input[i, 1], result[i, 1]);
        }
    }

    [Fact]
    public void PerPointMaskKeepsExactlyTheZeroEntries()
    {
        float[,] m = { { 0, 1 }, { 1, 0 }, { 1, 1 }, { 0, 0 } };
        string mask = WriteCsv("mask.csv", m);
        CliRunner.Succeed("inpaint", run.RunFolder, "--input", InputFile(), "--mask", mask, "--steps", "4", "--out", Output);

        float[,] result = ReadOutput("inpaint");
        for (int i = 0; i < 4; i++)
        for (int j = 0; j < 2; j++)
        {
            if (m[i, j] == 0)
                Assert.Equal(BitConverter.SingleToInt32Bits(Input[i, j]), BitConverter.SingleToInt32Bits(result[i, j]));
            else
                Assert.NotEqual(Input[i, j], result[i, j]);
        }
    }

    [Fact]
    public void Img2ImgAtStrengthZeroReturnsTheInput()
    {
        CliRunner.Succeed("img2img", run.RunFolder, "--input", InputFile(), "--strength", "0", "--steps", "10", "--out", Output);
        Assert.Equal(Input, ReadOutput("img2img"));
    }

    [Fact]
    public void Img2ImgRepeatsOneInputCountTimesAndMovesIt()
    {
        string one = WriteCsv("one.csv", new float[,] { { 0.25f, -0.75f } });
        CliRunner.Succeed("img2img", run.RunFolder, "--input", one, "--strength", "0.8", "--count", "5", "--steps", "10", "--out", Output);

        float[,] result = ReadOutput("img2img");
        Assert.Equal(5, result.GetLength(0));
        // Each copy gets its own noise: five different points, none equal to the input.
        var points = Enumerable.Range(0, 5).Select(i => (result[i, 0], result[i, 1])).ToList();
        Assert.Equal(5, points.Distinct().Count());
        Assert.DoesNotContain((0.25f, -0.75f), points);
    }

    [Fact]
    public void InputsFromSeveralFilesAreConcatenatedInOrder()
    {
        string first = WriteCsv("a.csv", new float[,] { { 1, 2 } });
        string second = WriteCsv("b.csv", new float[,] { { 3, 4 }, { 5, 6 } });
        CliRunner.Succeed("img2img", run.RunFolder, "--input", first, "--input", second, "--strength", "0", "--steps", "3", "--out", Output);
        Assert.Equal(new float[,] { { 1, 2 }, { 3, 4 }, { 5, 6 } }, ReadOutput("img2img"));
    }

    [Fact]
    public void SampleWithGuidanceOneAndRescaleZeroIsPlainSampling()
    {
        // w = 1 is no guidance: the same samples as without the options, bit for bit.
        CliRunner.Succeed("sample", run.RunFolder, "--count", "8", "--steps", "5", "--out", Output);
        string plain = File.ReadAllText(Path.Combine(Output, "sample.csv"));
        string guided = _scratch["guided"];
        CliRunner.Succeed("sample", run.RunFolder, "--count", "8", "--steps", "5", "--out", guided, "--guidance", "1", "--guidance-rescale", "0");
        Assert.Equal(plain, File.ReadAllText(Path.Combine(guided, "sample.csv")));
    }
}
