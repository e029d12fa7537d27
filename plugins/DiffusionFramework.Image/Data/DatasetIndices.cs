using TorchSharp;

namespace DiffusionFramework.Image.Data;

/// <summary>The bounds check shared by the datasets' <c>GetBatch</c>.</summary>
internal static class DatasetIndices
{
    /// <summary>The indices as an int64 CPU tensor; throws when one lies outside [0, count).</summary>
    public static torch.Tensor ToTensor(IReadOnlyList<long> indices, long count)
    {
        long[] array = indices as long[] ?? indices.ToArray();
        foreach (long i in array)
            if (i < 0 || i >= count)
                throw new ArgumentOutOfRangeException(nameof(indices), $"index {i} is outside [0, {count})");
        return torch.tensor(array, dtype: torch.int64);
    }
}
