using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DiffusionFramework.Core.Training;

/// <summary>
/// The per-parameter state of torch.optim.AdamW (first moment <c>exp_avg</c>, second moment <c>exp_avg_sq</c>, step
/// count) as named tensors, so that it can be stored in a safetensors file and restored exactly.
/// </summary>
/// <remarks>Keys are <c>&lt;parameter&gt;.exp_avg</c>, <c>&lt;parameter&gt;.exp_avg_sq</c> and <c>&lt;parameter&gt;.step</c>
/// (int64 [1]), with the parameter's state-dict key.</remarks>
internal static class AdamWState
{
    /// <summary>Detaches the optimiser's state tensors from any dispose scope the caller may be in.</summary>
    public static void KeepAlive(AdamW optimizer)
    {
        foreach (var state in States(optimizer, expected: null))
        {
            state.exp_avg.DetachFromDisposeScope();
            state.exp_avg_sq.DetachFromDisposeScope();
        }
    }

    /// <summary>The state by key. Moment tensors are the optimiser's own (do not dispose); step tensors are new and
    /// belong to the caller's dispose scope.</summary>
    public static Dictionary<string, Tensor> Export(AdamW optimizer, IReadOnlyList<string> names)
    {
        var result = new Dictionary<string, Tensor>();
        var states = States(optimizer, names.Count);
        for (int i = 0; i < names.Count; i++)
        {
            result[$"{names[i]}.exp_avg"] = states[i].exp_avg;
            result[$"{names[i]}.exp_avg_sq"] = states[i].exp_avg_sq;
            result[$"{names[i]}.step"] = tensor(new[] { states[i].step });
        }
        return result;
    }

    /// <summary>Copies a state written by <see cref="Export"/> into the optimiser, after <see cref="Validate"/>.</summary>
    /// <param name="optimizer">The optimiser over the parameters called <paramref name="names"/>, in that order.</param>
    /// <param name="names">Parameter keys in optimiser order.</param>
    /// <param name="state">The stored tensors.</param>
    /// <param name="source">The file they came from, for error messages.</param>
    /// <exception cref="InvalidDataException">An entry is missing, extra, of the wrong shape, or a negative step.</exception>
    public static void Import(AdamW optimizer, IReadOnlyList<string> names, IReadOnlyDictionary<string, Tensor> state,
        string source)
    {
        Validate(optimizer, names, state, source);
        var states = States(optimizer, names.Count);
        using var noGrad = no_grad();
        for (int i = 0; i < names.Count; i++)
        {
            states[i].exp_avg.copy_(state[$"{names[i]}.exp_avg"]);
            states[i].exp_avg_sq.copy_(state[$"{names[i]}.exp_avg_sq"]);
            states[i].step = state[$"{names[i]}.step"].to(int64).item<long>();
        }
    }

    /// <summary>Throws unless <paramref name="state"/> holds exactly the entries <see cref="Export"/> writes for this optimiser.</summary>
    /// <exception cref="InvalidDataException">An entry is missing, extra, of the wrong shape, or a negative step.</exception>
    public static void Validate(AdamW optimizer, IReadOnlyList<string> names, IReadOnlyDictionary<string, Tensor> state,
        string source)
    {
        var states = States(optimizer, names.Count);
        var expected = names.SelectMany(n => new[] { $"{n}.exp_avg", $"{n}.exp_avg_sq", $"{n}.step" }).ToHashSet();
        string[] extra = state.Keys.Where(k => !expected.Contains(k)).ToArray();
        if (extra.Length > 0)
            throw new InvalidDataException($"{source}: optimizer state has entries for unknown parameters: {string.Join(", ", extra)}");
        for (int i = 0; i < names.Count; i++)
        {
            Check(state, $"{names[i]}.exp_avg", states[i].exp_avg.shape, source);
            Check(state, $"{names[i]}.exp_avg_sq", states[i].exp_avg_sq.shape, source);
            Check(state, $"{names[i]}.step", [1], source);
            if (state[$"{names[i]}.step"].to(int64).item<long>() is var step and < 0)
                throw new InvalidDataException($"{source}: '{names[i]}.step' is negative ({step})");
        }
    }

    private static void Check(IReadOnlyDictionary<string, Tensor> state, string key, long[] shape, string source)
    {
        if (!state.TryGetValue(key, out var value))
            throw new InvalidDataException($"{source}: optimizer state lacks '{key}'");
        if (!value.shape.SequenceEqual(shape))
            throw new InvalidDataException(
                $"{source}: optimizer state '{key}' has shape [{string.Join(", ", value.shape)}], expected [{string.Join(", ", shape)}]");
    }

    private static List<AdamW.State> States(AdamW optimizer, int? expected)
    {
        var states = optimizer.state_dict().State.Cast<AdamW.State>().ToList();
        if (expected is { } n && states.Count != n)
            throw new InvalidOperationException($"the optimizer holds {states.Count} parameters, {n} names were given");
        return states;
    }
}
