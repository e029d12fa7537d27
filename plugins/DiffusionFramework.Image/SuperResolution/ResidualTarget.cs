using static TorchSharp.torch;

namespace DiffusionFramework.Image.SuperResolution;

/// <summary>
/// What a super-resolution model diffuses. With a residual scale k &gt; 0 it is the residual between the
/// high-resolution image and its bicubic context, times k (SRDiff, Li et al. 2022, arXiv 2104.14951 §3.2): the model
/// only has to add the detail bicubic upsampling lost, and k brings the residual's small spread (a standard deviation
/// of about 0.06 on [-1, 1] photos at x2) near the data scale the noise schedule was made for. With k = 0 it is the
/// high-resolution image itself (SR3, Saharia et al. 2021, arXiv 2104.07636).
/// </summary>
public static class ResidualTarget
{
    /// <summary>The training target x0 of a high-resolution batch and its context: (highRes - context) · k, or highRes when k = 0.</summary>
    public static Tensor Encode(Tensor highRes, Tensor context, double residualScale)
    {
        ArgumentNullException.ThrowIfNull(highRes);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentOutOfRangeException.ThrowIfNegative(residualScale);
        if (residualScale == 0)
            return highRes.alias();
        using var scope = NewDisposeScope();
        return highRes.sub(context).mul_(residualScale).MoveToOuterDisposeScope();
    }

    /// <summary>The image a sample x0 stands for: context + x0 / k clamped to [-1, 1], or x0 when k = 0.</summary>
    public static Tensor Decode(Tensor sample, Tensor context, double residualScale)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentOutOfRangeException.ThrowIfNegative(residualScale);
        if (residualScale == 0)
            return sample.alias();
        using var scope = NewDisposeScope();
        return sample.div(residualScale).add_(context).clamp_(-1.0, 1.0).MoveToOuterDisposeScope();
    }
}
