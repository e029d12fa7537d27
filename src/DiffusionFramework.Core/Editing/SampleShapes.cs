using TorchSharp;

namespace DiffusionFramework.Core.Editing;

/// <summary>Shape checks of the editing inputs (init image, mask, known image) against the sample shape.</summary>
internal static class SampleShapes
{
    /// <summary>Throws unless <paramref name="tensor"/>'s shape broadcasts to <paramref name="sampleShape"/>
    /// (aligned from the right, every dimension equal or 1, no more dimensions than the sample).</summary>
    /// <exception cref="ArgumentException">The message names <paramref name="what"/> and both shapes.</exception>
    public static void RequireBroadcast(torch.Tensor tensor, long[] sampleShape, string what, string paramName)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        long[] shape = tensor.shape;
        bool fits = shape.Length <= sampleShape.Length;
        for (int d = 1; fits && d <= shape.Length; d++)
        {
            long size = shape[^d];
            fits = size == sampleShape[^d] || size == 1;
        }

        if (!fits)
        {
            throw new ArgumentException(
                $"{what} has shape {Format(shape)}, which does not broadcast to the sample shape {Format(sampleShape)}.",
                paramName);
        }
    }

    /// <summary>"[2, 3, 4]".</summary>
    public static string Format(IEnumerable<long> shape) => $"[{string.Join(", ", shape)}]";
}
