using DiffusionFramework.Core.Metrics;
using static TorchSharp.torch;

namespace DiffusionFramework.Tests.Metrics;

/// <summary>
/// <see cref="PeakSignalToNoiseRatio"/> and <see cref="StructuralSimilarity"/> against closed forms (identical images,
/// a constant offset, constant images), their symmetries and invariances, and their input checks.
/// </summary>
public class ImageMetricsAnalyticTests
{
    [Fact]
    public void IdenticalImagesScoreSsimOneAndPsnrInfinity()
    {
        using var generator = new Generator(5);
        using Tensor x = rand([3, 2, 12, 15], generator: generator);
        Assert.All(StructuralSimilarity.Compute(x, x, 1.0), s => Assert.Equal(1.0, s, 12));
        Assert.All(PeakSignalToNoiseRatio.Compute(x, x, 1.0), p => Assert.Equal(double.PositiveInfinity, p));
    }

    [Theory]
    [InlineData(1.0, 0.125)]
    [InlineData(2.0, 0.03125)]
    [InlineData(255.0, 4.0)]
    public void ConstantOffsetGivesPsnrOfTheOffset(double dataRange, double d)
    {
        // Values on a 1/256 grid of the range, so adding and removing d is exact: MSE = d².
        using var generator = new Generator(9);
        using Tensor target = randint(0, 256, [2, 3, 8, 8], dtype: float64, generator: generator) * (dataRange / 256);
        using Tensor predicted = target + d;
        double expected = 10 * Math.Log10(dataRange * dataRange / (d * d));
        Assert.All(PeakSignalToNoiseRatio.Compute(predicted, target, dataRange), p => Assert.Equal(expected, p, 10));
        Assert.Equal(expected, PeakSignalToNoiseRatio.Mean(predicted, target, dataRange), 10);
    }

    [Fact]
    public void PsnrAveragesTheSquaredErrorOverChannelsAndPixelsOfEachImage()
    {
        // Image 0: one of its 2·4·4 = 32 values off by 0.5, MSE = 0.25 / 32. Image 1: all off by 0.1, MSE = 0.01.
        using Tensor target = zeros([2, 2, 4, 4], dtype: float64);
        using Tensor predicted = target.clone();
        predicted[0, 1, 2, 3] = 0.5;
        predicted[1] = 0.1;
        double[] psnr = PeakSignalToNoiseRatio.Compute(predicted, target, 1.0);
        Assert.Equal(10 * Math.Log10(32 / 0.25), psnr[0], 10);
        Assert.Equal(20.0, psnr[1], 10);
    }

    [Theory]
    [InlineData(0.2, 0.7, 1.0)]
    [InlineData(-0.5, 0.25, 2.0)]
    public void ConstantImagesGiveTheLuminanceTermOnly(double a, double b, double dataRange)
    {
        // Zero local variances: the contrast-structure factor is C2 / C2 = 1, leaving (2ab + C1) / (a² + b² + C1).
        using Tensor x = full([1, 3, 13, 17], a, dtype: float64);
        using Tensor y = full([1, 3, 13, 17], b, dtype: float64);
        double c1 = Math.Pow(0.01 * dataRange, 2);
        Assert.Equal((2 * a * b + c1) / (a * a + b * b + c1), StructuralSimilarity.Compute(x, y, dataRange)[0], 10);
    }

    [Fact]
    public void SsimIsSymmetricAndScaleInvariantAndBatchIndependent()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(13);
        Tensor x = rand([3, 2, 20, 18], generator: generator, dtype: float64);
        Tensor y = (x + 0.2 * randn([3, 2, 20, 18], generator: generator, dtype: float64)).clamp(0, 1);
        double[] xy = StructuralSimilarity.Compute(x, y, 1.0);
        double[] yx = StructuralSimilarity.Compute(y, x, 1.0);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(xy[i], yx[i], 12);
            Assert.InRange(xy[i], 0.05, 0.95);
            // SSIM depends on x / L only: the same images in bytes with L = 255 score the same.
            Assert.Equal(xy[i], StructuralSimilarity.Compute(x * 255, y * 255, 255.0)[i], 10);
            // Each image is scored on its own, whatever else is in the batch.
            Assert.Equal(xy[i], StructuralSimilarity.Compute(x[i..(i + 1)], y[i..(i + 1)], 1.0)[0], 12);
        }
        Assert.Equal(xy.Average(), StructuralSimilarity.Mean(x, y, 1.0), 12);
    }

    [Fact]
    public void MoreNoiseLowersBothMetrics()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(17);
        Tensor x = rand([1, 1, 16, 16], generator: generator, dtype: float64);
        Tensor noise = randn([1, 1, 16, 16], generator: generator, dtype: float64);
        double[] noises = [0.02, 0.1, 0.3];
        double[] ssim = noises.Select(s => StructuralSimilarity.Compute(x + s * noise, x, 1.0)[0]).ToArray();
        double[] psnr = noises.Select(s => PeakSignalToNoiseRatio.Compute(x + s * noise, x, 1.0)[0]).ToArray();
        Assert.True(ssim[0] > ssim[1] && ssim[1] > ssim[2], $"SSIM {string.Join(", ", ssim)}");
        Assert.True(psnr[0] > psnr[1] && psnr[1] > psnr[2], $"PSNR {string.Join(", ", psnr)}");
    }

    [Fact]
    public void RejectsBadShapesRangesAndValues()
    {
        using var scope = NewDisposeScope();
        Tensor image = zeros(2, 1, 12, 12), other = zeros(2, 1, 12, 13), chw = zeros(1, 12, 12);
        Tensor small = zeros(1, 1, 10, 12), empty = zeros(0, 1, 12, 12), nan = full([2, 1, 12, 12], double.NaN);

        Assert.Contains("[B, C, H, W]", Throws(() => StructuralSimilarity.Compute(chw, chw, 1)));
        Assert.Contains("[B, C, H, W]", Throws(() => PeakSignalToNoiseRatio.Compute(chw, chw, 1)));
        Assert.Contains("[2, 1, 12, 12] and [2, 1, 12, 13]", Throws(() => StructuralSimilarity.Compute(image, other, 1)));
        Assert.Contains("[2, 1, 12, 12] and [2, 1, 12, 13]", Throws(() => PeakSignalToNoiseRatio.Compute(image, other, 1)));
        Assert.Contains("H, W >= 11", Throws(() => StructuralSimilarity.Compute(small, small, 1)));
        Assert.Contains("B >= 1", Throws(() => PeakSignalToNoiseRatio.Compute(empty, empty, 1)));
        foreach (double range in new[] { 0, -1, double.NaN, double.PositiveInfinity })
        {
            Assert.Contains("dataRange", Throws(() => StructuralSimilarity.Compute(image, image, range)));
            Assert.Contains("dataRange", Throws(() => PeakSignalToNoiseRatio.Compute(image, image, range)));
        }
        Assert.Contains("NaN", Throws(() => StructuralSimilarity.Compute(nan, image, 1)));
        Assert.Contains("NaN", Throws(() => PeakSignalToNoiseRatio.Compute(image, nan, 1)));
        // PSNR has no window: a 1x1 image is fine.
        Assert.Equal(20.0, PeakSignalToNoiseRatio.Compute(full([1, 1, 1, 1], 0.1), zeros(1, 1, 1, 1), 1)[0], 5);
    }

    private static string Throws(Action call) => Assert.Throws<ArgumentException>(call).Message;
}
