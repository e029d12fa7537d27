using TorchSharp;

namespace Points2d.Metrics;

/// <summary>The shape check shared by the metrics.</summary>
internal static class MetricInput
{
    public static void Check(torch.Tensor samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (samples.dim() != 2 || samples.shape[1] != 2 || samples.shape[0] < 2)
            throw new ArgumentException(
                $"samples must have shape [N >= 2, 2], got [{string.Join(", ", samples.shape)}]", nameof(samples));
    }
}
