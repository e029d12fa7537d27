using DiffusionFramework.Core.Metrics;
using DiffusionFramework.Image.Codec;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionFramework.Image.Evaluation;

/// <summary>
/// Scores super-resolved images the way SR benchmarks do (EDSR, Lim et al. 2017, arXiv 1707.02921; RCAN, Zhang et al.
/// 2018, arXiv 1807.02758; BasicSR's <c>calculate_psnr</c>/<c>calculate_ssim</c> with <c>test_y_channel</c>): both
/// images are quantised to 8 bits as they would be saved (<see cref="PixelTensor.ToBytes"/>), <c>shave</c> pixels
/// (the scale) are cut from every border, and PSNR and SSIM (<see cref="PeakSignalToNoiseRatio"/>,
/// <see cref="StructuralSimilarity"/>) are taken with data range 255 on the luminance of RGB images, ITU-R BT.601
/// studio swing as Matlab's <c>rgb2ycbcr</c>: Y = 16 + (65.481 R + 128.553 G + 24.966 B) / 255 for R, G, B in
/// 0..255 (Y in 16..235, kept in float64 like BasicSR, not rounded), or on the grey channel itself.
/// </summary>
public static class SuperResolutionScoring
{
    /// <summary>The data range L of the scored planes (8-bit levels).</summary>
    public const double DataRange = 255;

    /// <summary>
    /// The largest PSNR reported, in dB: identical planes (MSE 0) would score +∞, which would make means, gains and their
    /// spreads infinite or NaN. 100 dB lies far above real reconstructions (one grey level wrong in one pixel of a
    /// 100x100 patch is 88 dB).
    /// </summary>
    public const double PsnrCap = 100;

    /// <summary>BT.601 luma weights of R, G, B for 8-bit levels: Y = 16 + Σ w · level / 255.</summary>
    private static readonly double[] LumaWeights = [65.481, 128.553, 24.966];

    /// <summary>
    /// The plane that is scored: <paramref name="images"/> [B, C, H, W] in [-1, 1] (C = 1 or 3) as 8-bit levels, the
    /// BT.601 luminance when C = 3, <paramref name="shave"/> border pixels cut: float64 [B, 1, H − 2·shave, W − 2·shave].
    /// </summary>
    /// <exception cref="ArgumentException">Not [B, 1|3, H, W], or nothing is left after the shave.</exception>
    public static Tensor ToScoredPlane(Tensor images, int shave)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentOutOfRangeException.ThrowIfNegative(shave);
        if (images.dim() != 4 || images.shape[1] is not (1 or 3))
            throw new ArgumentException(
                $"expected images [B, 1 or 3, H, W], got [{string.Join(", ", images.shape)}]", nameof(images));
        if (images.shape[2] <= 2 * shave || images.shape[3] <= 2 * shave)
            throw new ArgumentException(
                $"images of {images.shape[3]}x{images.shape[2]} leave nothing after shaving {shave} border pixels", nameof(images));
        using var scope = NewDisposeScope();
        Tensor levels = PixelTensor.ToBytes(images).to(float64);
        if (images.shape[1] == 3)
        {
            Tensor weights = tensor(LumaWeights, dtype: float64, device: images.device).view(1, 3, 1, 1);
            levels = levels.mul(weights).sum(1, keepdim: true).div_(255.0).add_(16.0);
        }
        return levels.narrow(2, shave, images.shape[2] - 2 * shave).narrow(3, shave, images.shape[3] - 2 * shave)
            .contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// PSNR (dB, capped at <see cref="PsnrCap"/>) and SSIM of each image of <paramref name="predicted"/> against
    /// <paramref name="target"/>, both [B, C, H, W] in [-1, 1], scored on <see cref="ToScoredPlane"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The shapes differ, or the shaved plane is smaller than SSIM's 11x11 window.</exception>
    public static (double[] Psnr, double[] Ssim) Score(Tensor predicted, Tensor target, int shave)
    {
        ArgumentNullException.ThrowIfNull(predicted);
        ArgumentNullException.ThrowIfNull(target);
        if (!predicted.shape.SequenceEqual(target.shape))
            throw new ArgumentException(
                $"predicted [{string.Join(", ", predicted.shape)}] and target [{string.Join(", ", target.shape)}] differ",
                nameof(predicted));
        using var scope = NewDisposeScope();
        Tensor x = ToScoredPlane(predicted, shave), y = ToScoredPlane(target, shave);
        double[] psnr = PeakSignalToNoiseRatio.Compute(x, y, DataRange).Select(p => Math.Min(p, PsnrCap)).ToArray();
        return (psnr, StructuralSimilarity.Compute(x, y, DataRange));
    }
}
