using DiffusionFramework.Abstractions;
using TorchSharp;

namespace DiffusionFramework.Tests.Reference;

/// <summary>Hands out stored noise tensors in order (the reference files' <c>step_noises</c>), one per draw.</summary>
public sealed class ReplayNoiseSampler(IEnumerable<double[]> noises) : INoiseSampler
{
    private readonly Queue<double[]> _noises = new(noises);

    /// <summary>Stored tensors not drawn yet.</summary>
    public int Remaining => _noises.Count;

    /// <inheritdoc />
    public torch.Tensor Sample(long[] shape, torch.ScalarType dtype, torch.Device device, torch.Generator? generator,
        Conditioning? conditioning)
    {
        if (!_noises.TryDequeue(out double[]? values))
        {
            throw new InvalidOperationException("the sampler drew more noise than the reference run did.");
        }

        long count = shape.Aggregate(1L, (a, b) => a * b);
        if (count != values.Length)
        {
            throw new InvalidOperationException($"noise of {count} elements requested, {values.Length} stored.");
        }

        using torch.Tensor stored = torch.tensor(values, dtype: torch.ScalarType.Float64);
        return stored.reshape(shape).to(dtype, device);
    }
}
