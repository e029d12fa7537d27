using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionFramework.Core.Metrics;

/// <summary>
/// Peak signal-to-noise ratio, PSNR = 10 log₁₀(L² / MSE) in dB, per image of a [B, C, H, W] batch, with the mean
/// squared error taken over the C·H·W values of each image and L the data range. Identical images (MSE = 0) score
/// +∞. Computed in float64; agrees with scikit-image's <c>peak_signal_noise_ratio(target, predicted,
/// data_range=L)</c> applied to each image.
/// </summary>
public static class PeakSignalToNoiseRatio
{
    /// <summary>The PSNR of each image of <paramref name="predicted"/> against <paramref name="target"/>, in dB.</summary>
    /// <param name="predicted">The images under test, [B, C, H, W].</param>
    /// <param name="target">The reference images, same shape and device.</param>
    /// <param name="dataRange">L, the dynamic range of the pixel values (1 for [0, 1], 2 for [-1, 1], 255 for bytes).</param>
    /// <returns>B values in dB; <see cref="double.PositiveInfinity"/> where an image equals its target.</returns>
    /// <exception cref="ArgumentException">The shapes differ or are not [B, C, H, W], the devices differ, a value is
    /// not finite, or <paramref name="dataRange"/> is not a positive number.</exception>
    public static double[] Compute(Tensor predicted, Tensor target, double dataRange)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (x, y) = ImagePair.ToFloat64(predicted, target, dataRange, minimumSide: 1);
        Tensor mse = (x - y).square().mean([1, 2, 3]);
        // log10(L² / 0) = +∞ in IEEE arithmetic, the agreed score of a perfect reconstruction.
        Tensor psnr = 10 * (dataRange * dataRange / mse).log10();
        return psnr.cpu().data<double>().ToArray();
    }

    /// <summary>The mean over the batch of <see cref="Compute"/> (+∞ if any image equals its target).</summary>
    /// <inheritdoc cref="Compute" path="/param"/>
    /// <inheritdoc cref="Compute" path="/exception"/>
    public static double Mean(Tensor predicted, Tensor target, double dataRange) =>
        Compute(predicted, target, dataRange).Average();
}
