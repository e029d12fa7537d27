using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionFramework.Core.Training;

/// <summary>Copies stored weights into a module, checking every key and shape first.</summary>
internal static class ModuleWeights
{
    /// <summary>Copies <paramref name="weights"/> into the parameters and buffers of <paramref name="module"/>.</summary>
    /// <exception cref="InvalidDataException">A key is missing or extra, or a shape differs; the message names the file and key.</exception>
    public static void Load(nn.Module module, IReadOnlyDictionary<string, Tensor> weights, string source)
    {
        var targets = module.state_dict();
        string[] extra = weights.Keys.Where(k => !targets.ContainsKey(k)).ToArray();
        if (extra.Length > 0)
            throw new InvalidDataException($"{source}: weights for entries the network does not have: {string.Join(", ", extra)}");
        foreach (var (key, target) in targets)
        {
            if (!weights.TryGetValue(key, out var value))
                throw new InvalidDataException($"{source}: no weights for '{key}'");
            if (!value.shape.SequenceEqual(target.shape))
                throw new InvalidDataException(
                    $"{source}: '{key}' has shape [{string.Join(", ", value.shape)}], the network's is [{string.Join(", ", target.shape)}]");
        }
        using var noGrad = no_grad();
        foreach (var (key, target) in targets)
            target.copy_(weights[key]);
    }
}
