using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionFramework.Core.Checkpoints;

/// <summary>Copies a safetensors state dict into an existing module after checking that keys and shapes match.</summary>
public static class ModuleWeights
{
    /// <summary>
    /// Loads <paramref name="path"/> into <paramref name="module"/>'s parameters and buffers in place (on their own
    /// devices; element types are converted as PyTorch's <c>load_state_dict</c> does).
    /// </summary>
    /// <exception cref="InvalidDataException">
    /// A shape differs, or a key is missing or unexpected; one line listing every problem, starting with the path.
    /// </exception>
    public static void LoadInto(string path, nn.Module module)
    {
        Dictionary<string, Tensor> target = module.state_dict();
        Dictionary<string, SafeTensorsEntry> file = SafeTensors.ReadHeader(path).Tensors.ToDictionary(e => e.Name, StringComparer.Ordinal);
        var problems = new List<string>();
        var missing = new List<string>();
        foreach (var (name, destination) in target)
        {
            if (!file.TryGetValue(name, out SafeTensorsEntry? entry))
                missing.Add(name);
            else if (!entry.Shape.SequenceEqual(destination.shape))
                problems.Add($"tensor '{name}' has shape {entry.ShapeText} but the network expects {SafeTensorsEntry.FormatShape(destination.shape)}");
        }
        List<string> unexpected = file.Keys.Where(name => !target.ContainsKey(name)).ToList();
        if (missing.Count > 0)
            problems.Add($"missing keys (in the network, not in the file): {Quote(missing)}");
        if (unexpected.Count > 0)
            problems.Add($"unexpected keys (in the file, not in the network): {Quote(unexpected)}");
        if (problems.Count > 0)
            throw new InvalidDataException($"{path}: {string.Join("; ", problems)}");

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        foreach (var (name, source) in SafeTensors.Read(path))
            target[name].copy_(source);
    }

    private static string Quote(IEnumerable<string> keys) => string.Join(", ", keys.Select(k => $"'{k}'"));
}
