using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionFramework.Core.Checkpoints;

/// <summary>
/// Copies the raw little-endian, row-major bytes of a contiguous CPU tensor to and from a stream, in bounded
/// chunks, so no managed buffer the size of the tensor is ever needed and tensors over 2 GB work too.
/// </summary>
internal static class TensorBytes
{
    /// <summary>The largest chunk moved at once.</summary>
    private const long ChunkBytes = 64L << 20;

    /// <summary>Writes every byte of <paramref name="cpuContiguous"/> to <paramref name="stream"/>.</summary>
    public static void Write(Tensor cpuContiguous, Stream stream)
    {
        using var scope = NewDisposeScope();
        foreach (Tensor chunk in Chunks(cpuContiguous))
            stream.Write(chunk.bytes);
    }

    /// <summary>Fills every byte of <paramref name="cpuContiguous"/> from <paramref name="stream"/>.</summary>
    /// <exception cref="EndOfStreamException">The stream ends first.</exception>
    public static void Read(Stream stream, Tensor cpuContiguous)
    {
        using var scope = NewDisposeScope();
        foreach (Tensor chunk in Chunks(cpuContiguous))
            stream.ReadExactly(chunk.bytes);
    }

    /// <summary>Views of the flattened tensor of at most <see cref="ChunkBytes"/> bytes each, in memory order.</summary>
    private static IEnumerable<Tensor> Chunks(Tensor tensor)
    {
        if (tensor.device_type != DeviceType.CPU || !tensor.is_contiguous())
            throw new ArgumentException("expected a contiguous CPU tensor", nameof(tensor));
        long count = tensor.numel();
        if (count == 0)
            yield break;
        Tensor flat = tensor.reshape(count);
        long perChunk = Math.Max(1, ChunkBytes / tensor.element_size());
        for (long start = 0; start < count; start += perChunk)
            yield return flat.narrow(0, start, Math.Min(perChunk, count - start));
    }
}
