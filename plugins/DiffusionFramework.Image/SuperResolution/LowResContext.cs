using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionFramework.Image.SuperResolution;

/// <summary>
/// The context of a super-resolution model (SR3, Saharia et al. 2021, arXiv 2104.07636 §2): the low-resolution image
/// upsampled bicubically to the output size, which the U-Net sees concatenated to x_t on channels. Training makes the
/// low-resolution image from the high-resolution one by a box filter (average of scale x scale blocks); inference
/// upsamples the user's low-resolution image with the same bicubic filter, so both see the same kind of context.
/// </summary>
public static class LowResContext
{
    /// <summary>Averages <paramref name="scale"/> x <paramref name="scale"/> blocks: [B, C, H, W] -> [B, C, H/s, W/s].</summary>
    /// <exception cref="ArgumentException">H or W is not a multiple of the scale.</exception>
    public static Tensor Downscale(Tensor highRes, int scale)
    {
        RequireImages(highRes);
        ArgumentOutOfRangeException.ThrowIfLessThan(scale, 1);
        if (highRes.shape[2] % scale != 0 || highRes.shape[3] % scale != 0)
            throw new ArgumentException(
                $"image {highRes.shape[3]}x{highRes.shape[2]} is not a multiple of the scale {scale}", nameof(highRes));
        return nn.functional.avg_pool2d(highRes, kernel_size: scale, stride: scale);
    }

    /// <summary>
    /// Bicubic upsampling by <paramref name="scale"/> (cubic convolution, Keys 1981, with PyTorch's a = -0.75 and half-pixel centres),
    /// clamped to [-1, 1] against the filter's overshoot.
    /// </summary>
    public static Tensor Upsample(Tensor lowRes, int scale)
    {
        RequireImages(lowRes);
        ArgumentOutOfRangeException.ThrowIfLessThan(scale, 1);
        using var scope = NewDisposeScope();
        Tensor up = nn.functional.interpolate(lowRes, size: [lowRes.shape[2] * scale, lowRes.shape[3] * scale],
            mode: InterpolationMode.Bicubic, align_corners: false);
        return up.clamp_(-1.0, 1.0).MoveToOuterDisposeScope();
    }

    /// <summary>The training context of a high-resolution batch: <see cref="Upsample"/>(<see cref="Downscale"/>(x0)).</summary>
    public static Tensor FromHighRes(Tensor highRes, int scale)
    {
        using var scope = NewDisposeScope();
        return Upsample(Downscale(highRes, scale), scale).MoveToOuterDisposeScope();
    }

    private static void RequireImages(Tensor images)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.dim() != 4)
            throw new ArgumentException($"expected images [B, C, H, W], got [{string.Join(", ", images.shape)}]",
                nameof(images));
    }
}
