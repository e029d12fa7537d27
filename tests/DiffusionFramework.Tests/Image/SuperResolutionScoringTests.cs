using DiffusionFramework.Image.Evaluation;
using TorchSharp;

namespace DiffusionFramework.Tests.Image;

/// <summary>The benchmark scoring (8-bit, shaved border, BT.601 Y) against closed forms on hand-made pairs.</summary>
public sealed class SuperResolutionScoringTests
{
    /// <summary>Bytes (levels 0..255) as model-space float32 [1, C, H, W] in [-1, 1], the inverse of the 8-bit quantiser.</summary>
    private static torch.Tensor FromLevels(double[] levels, int channels, int side) =>
        torch.tensor(levels.Select(l => (float)(l / 127.5 - 1)).ToArray(), [1, channels, side, side]);

    private static double[] Levels(int count, Func<int, double> level) => Enumerable.Range(0, count).Select(level).ToArray();

    [Fact]
    public void GreyOffsetOfKLevelsScores20Log10Of255OverK()
    {
        using var scope = torch.NewDisposeScope();
        const int side = 16, shave = 2;
        double[] target = Levels(side * side, i => 20 + (i * 37 % 200));
        foreach (int k in new[] { 1, 3, 10 })
        {
            double[] predicted = target.Select(l => l + k).ToArray();
            // A border error inside the shaved frame must not count.
            predicted[0] = 255;
            predicted[side * side - 1] = 0;
            (double[] psnr, _) = SuperResolutionScoring.Score(FromLevels(predicted, 1, side), FromLevels(target, 1, side), shave);
            Assert.Equal(20 * Math.Log10(255.0 / k), psnr[0], 9);
        }
    }

    [Fact]
    public void RgbIsScoredOnBt601LuminanceInLevels()
    {
        using var scope = torch.NewDisposeScope();
        const int side = 12, n = side * side;
        double[] target = Levels(3 * n, i => 30 + (i * 13 % 180));
        // +k on R only moves Y by 65.481 k / 255; +k on all three by (65.481 + 128.553 + 24.966) k / 255 = 219 k / 255.
        double[] redOnly = target.Select((l, i) => i < n ? l + 4 : l).ToArray();
        double[] all = target.Select(l => l + 4).ToArray();
        torch.Tensor reference = FromLevels(target, 3, side);

        Assert.Equal(20 * Math.Log10(255 / (65.481 * 4 / 255)),
            SuperResolutionScoring.Score(FromLevels(redOnly, 3, side), reference, 0).Psnr[0], 9);
        Assert.Equal(20 * Math.Log10(255 / (219.0 * 4 / 255)),
            SuperResolutionScoring.Score(FromLevels(all, 3, side), reference, 0).Psnr[0], 9);
    }

    [Fact]
    public void ScoredPlaneIsShavedLuminanceIn16To235()
    {
        using var scope = torch.NewDisposeScope();
        torch.Tensor images = torch.cat([torch.full(1, 3, 10, 10, 1f), torch.full(1, 3, 10, 10, -1f)]);
        torch.Tensor plane = SuperResolutionScoring.ToScoredPlane(images, 3);
        Assert.Equal(new long[] { 2, 1, 4, 4 }, plane.shape);
        Assert.Equal(torch.float64, plane.dtype);
        Assert.Equal(235, plane[0].max().item<double>(), 9);
        Assert.Equal(16, plane[1].min().item<double>(), 9);
        Assert.Throws<ArgumentException>(() => SuperResolutionScoring.ToScoredPlane(images, 5));
    }

    [Fact]
    public void ImagesAreQuantisedToEightBitsBeforeScoring()
    {
        using var scope = torch.NewDisposeScope();
        const int side = 16;
        double[] target = Levels(side * side, i => 40 + (i * 29 % 170));
        torch.Tensor reference = FromLevels(target, 1, side);
        // +0.4 level rounds back to the same byte (a perfect score, capped); +0.6 rounds to one level off.
        var (psnr, ssim) = SuperResolutionScoring.Score(FromLevels(target.Select(l => l + 0.4).ToArray(), 1, side), reference, 2);
        Assert.Equal(SuperResolutionScoring.PsnrCap, psnr[0]);
        Assert.Equal(1.0, ssim[0], 12);
        Assert.Equal(20 * Math.Log10(255.0),
            SuperResolutionScoring.Score(FromLevels(target.Select(l => l + 0.6).ToArray(), 1, side), reference, 2).Psnr[0], 9);
    }

    [Fact]
    public void SsimOfConstantPlanesIsTheLuminanceTermWithC1Of2Point55Squared()
    {
        using var scope = torch.NewDisposeScope();
        const int side = 15;
        // Flat planes have zero (co)variances: SSIM = (2ab + C1) / (a² + b² + C1), C1 = (0.01 · 255)².
        double a = 100, b = 130, c1 = Math.Pow(0.01 * 255, 2);
        var (_, ssim) = SuperResolutionScoring.Score(FromLevels(Levels(side * side, _ => b), 1, side),
            FromLevels(Levels(side * side, _ => a), 1, side), 2);
        Assert.Equal((2 * a * b + c1) / (a * a + b * b + c1), ssim[0], 9);
    }
}
