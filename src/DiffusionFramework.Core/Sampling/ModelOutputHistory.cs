using TorchSharp;

namespace DiffusionFramework.Core.Sampling;

/// <summary>
/// The last few (converted) model outputs of a multistep solver, newest last, kept alive across the per-step dispose
/// scopes; older entries are disposed once more than <c>capacity</c> are held.
/// </summary>
internal sealed class ModelOutputHistory(int capacity) : IDisposable
{
    private readonly List<torch.Tensor> _items = [];

    /// <summary>How many outputs are held (at most the capacity).</summary>
    public int Count => _items.Count;

    /// <summary>An output by position; <c>[^1]</c> is the newest.</summary>
    public torch.Tensor this[Index index] => _items[index.GetOffset(_items.Count)];

    /// <summary>Keeps <paramref name="output"/> (an alias of it) beyond the current dispose scope.</summary>
    public void Add(torch.Tensor output)
    {
        _items.Add(Keep(output));
        while (_items.Count > capacity)
        {
            _items[0].Dispose();
            _items.RemoveAt(0);
        }
    }

    /// <summary>Disposes every held output.</summary>
    public void Dispose()
    {
        foreach (torch.Tensor item in _items)
        {
            item.Dispose();
        }

        _items.Clear();
    }

    /// <summary>An alias of <paramref name="tensor"/> detached from every dispose scope: it lives until disposed.</summary>
    public static torch.Tensor Keep(torch.Tensor tensor) => tensor.alias().DetachFromDisposeScope();

    /// <summary>Replaces <paramref name="slot"/> with a kept alias of <paramref name="tensor"/> (or null), disposing
    /// what it held.</summary>
    public static void Replace(ref torch.Tensor? slot, torch.Tensor? tensor)
    {
        torch.Tensor? kept = tensor is null ? null : Keep(tensor);
        slot?.Dispose();
        slot = kept;
    }
}
