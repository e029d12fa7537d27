using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionFramework.Core.Metrics;

/// <summary>
/// The mean structural similarity index (SSIM) per image of a [B, C, H, W] batch: Wang, Bovik, Sheikh and
/// Simoncelli 2004, "Image Quality Assessment: From Error Visibility to Structural Similarity", IEEE TIP 13(4),
/// eq. 13, SSIM(x, y) = (2μₓμᵧ + C₁)(2σₓᵧ + C₂) / ((μₓ² + μᵧ² + C₁)(σₓ² + σᵧ² + C₂)), with the local statistics
/// weighted by an 11×11 circular-symmetric Gaussian window (σ = 1.5, normalised to sum 1), C₁ = (K₁L)², C₂ = (K₂L)²,
/// K₁ = 0.01, K₂ = 0.03 and L the data range, then averaged over the window positions and the channels.
/// </summary>
/// <remarks>
/// Only window positions that lie entirely inside the image count (the "valid" (H − 10) × (W − 10) region, no
/// padding), and the local variances are population ones (divided by the window weight sum 1, not N − 1): the
/// settings of the paper, under which the result matches scikit-image's <c>structural_similarity(predicted, target,
/// data_range=L, gaussian_weights=True, sigma=1.5, use_sample_covariance=False, channel_axis=0)</c> per image
/// (its Gaussian is truncated at 3.5σ, radius 5, and it crops 5 pixels of each border). The Gaussian filter is
/// separable, so the five local moments μₓ, μᵧ, E[x²], E[y²], E[xy] come from one vertical and one horizontal
/// float64 convolution.
/// </remarks>
public static class StructuralSimilarity
{
    /// <summary>The side of the Gaussian window, 2·round(3.5σ) + 1 = 11.</summary>
    public const int WindowSize = 11;

    /// <summary>σ of the Gaussian window, in pixels.</summary>
    public const double WindowSigma = 1.5;

    /// <summary>K₁, the constant of the luminance term: C₁ = (K₁L)².</summary>
    public const double K1 = 0.01;

    /// <summary>K₂, the constant of the contrast-structure term: C₂ = (K₂L)².</summary>
    public const double K2 = 0.03;

    /// <summary>The mean SSIM of each image of <paramref name="predicted"/> against <paramref name="target"/>.</summary>
    /// <param name="predicted">The images under test, [B, C, H, W] with H, W ≥ 11.</param>
    /// <param name="target">The reference images, same shape and device.</param>
    /// <param name="dataRange">L, the dynamic range of the pixel values (1 for [0, 1], 2 for [-1, 1], 255 for bytes).</param>
    /// <returns>B values in [-1, 1]; 1 where an image equals its target.</returns>
    /// <exception cref="ArgumentException">The shapes differ, are not [B, C, H, W] or are smaller than 11×11, the
    /// devices differ, a value is not finite, or <paramref name="dataRange"/> is not a positive number.</exception>
    public static double[] Compute(Tensor predicted, Tensor target, double dataRange)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (x, y) = ImagePair.ToFloat64(predicted, target, dataRange, minimumSide: WindowSize);
        long b = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3];

        // 1. Local moments: filter x, y, x², y², xy as one stack of single-channel images, [5·B·C, 1, H', W'].
        Tensor stack = cat([x, y, x * x, y * y, x * y]).reshape(5 * b * c, 1, h, w);
        Tensor g = GaussianWindow(x.device);
        Tensor filtered = nn.functional.conv2d(
            nn.functional.conv2d(stack, g.view(1, 1, WindowSize, 1)), g.view(1, 1, 1, WindowSize));
        Tensor[] moments = filtered.view(5, b, c, h - WindowSize + 1, w - WindowSize + 1).unbind(0);
        Tensor muX = moments[0], muY = moments[1];

        // 2. Population (co)variances: σₓ² = E[x²] − μₓ², σᵧ² = E[y²] − μᵧ², σₓᵧ = E[xy] − μₓμᵧ.
        Tensor varX = moments[2] - muX * muX;
        Tensor varY = moments[3] - muY * muY;
        Tensor covXY = moments[4] - muX * muY;

        // 3. Eq. 13 at every valid window position.
        double c1 = Math.Pow(K1 * dataRange, 2), c2 = Math.Pow(K2 * dataRange, 2);
        Tensor ssimMap = (2 * muX * muY + c1) * (2 * covXY + c2)
            / ((muX * muX + muY * muY + c1) * (varX + varY + c2));

        // 4. Mean over the positions of each channel, then over the channels.
        return ssimMap.mean([2, 3]).mean([1]).cpu().data<double>().ToArray();
    }

    /// <summary>The mean over the batch of <see cref="Compute"/>.</summary>
    /// <inheritdoc cref="Compute" path="/param"/>
    /// <inheritdoc cref="Compute" path="/exception"/>
    public static double Mean(Tensor predicted, Tensor target, double dataRange) =>
        Compute(predicted, target, dataRange).Average();

    /// <summary>The normalised 1-D Gaussian g[i] ∝ exp(−(i − 5)² / (2σ²)), i = 0…10, float64 on <paramref name="device"/>.</summary>
    private static Tensor GaussianWindow(Device device)
    {
        Tensor offsets = arange(WindowSize, dtype: float64, device: device) - WindowSize / 2;
        Tensor weights = (offsets.square() / (-2 * WindowSigma * WindowSigma)).exp();
        return weights / weights.sum();
    }
}
