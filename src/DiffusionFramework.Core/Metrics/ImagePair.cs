using static TorchSharp.torch;

namespace DiffusionFramework.Core.Metrics;

/// <summary>
/// The input checks shared by the full-reference image metrics (<see cref="PeakSignalToNoiseRatio"/>,
/// <see cref="StructuralSimilarity"/>): two finite [B, C, H, W] batches of the same shape on the same device and a
/// positive data range.
/// </summary>
internal static class ImagePair
{
    /// <summary>Validates the pair and returns both as float64 copies (detached, on their device).</summary>
    /// <param name="predicted">The images under test.</param>
    /// <param name="target">The reference images.</param>
    /// <param name="dataRange">L, the dynamic range of the pixel values (1 for [0, 1], 2 for [-1, 1], 255 for bytes).</param>
    /// <param name="minimumSide">The smallest H and W the metric accepts.</param>
    /// <exception cref="ArgumentException">A check fails; the message names the argument and the problem.</exception>
    public static (Tensor Predicted, Tensor Target) ToFloat64(Tensor predicted, Tensor target, double dataRange, long minimumSide)
    {
        ArgumentNullException.ThrowIfNull(predicted);
        ArgumentNullException.ThrowIfNull(target);
        if (!(dataRange > 0) || double.IsInfinity(dataRange))
            throw new ArgumentException($"dataRange must be a finite number > 0, got {dataRange}", nameof(dataRange));
        if (predicted.dim() != 4)
            throw new ArgumentException(
                $"images must have shape [B, C, H, W], got predicted [{Shape(predicted)}]", nameof(predicted));
        if (!predicted.shape.SequenceEqual(target.shape))
            throw new ArgumentException(
                $"predicted and target shapes differ: [{Shape(predicted)}] and [{Shape(target)}]", nameof(target));
        if (predicted.shape[0] < 1 || predicted.shape[1] < 1 || predicted.shape[2] < minimumSide || predicted.shape[3] < minimumSide)
            throw new ArgumentException(
                $"images must have B >= 1, C >= 1 and H, W >= {minimumSide}, got [{Shape(predicted)}]", nameof(predicted));
        if (predicted.device_type != target.device_type || predicted.device_index != target.device_index)
            throw new ArgumentException(
                $"predicted is on {predicted.device} but target on {target.device}", nameof(target));
        Tensor p = predicted.detach().to(float64);
        Tensor t = target.detach().to(float64);
        if (!p.isfinite().all().item<bool>() || !t.isfinite().all().item<bool>())
            throw new ArgumentException("images contain NaN or infinite values", nameof(predicted));
        return (p, t);
    }

    private static string Shape(Tensor t) => string.Join(", ", t.shape);
}
