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
        ArgumentNullException.ThrowIfNull(module);
        Dictionary<string, long[]> shapes = SafeTensors.ReadHeader(path).Tensors
            .ToDictionary(e => e.Name, e => e.Shape.ToArray(), StringComparer.Ordinal);
        Check(path, shapes, module.state_dict());
        using var scope = NewDisposeScope();
        Copy(SafeTensors.Read(path), module);
    }

    /// <summary>
    /// Loads a safetensors file held in <paramref name="stream"/> (e.g. an embedded resource; see
    /// <see cref="SafeTensors.Read(Stream, string, Device?)"/>) into <paramref name="module"/> in place.
    /// </summary>
    /// <param name="stream">The file's bytes, positioned at its start; left open.</param>
    /// <param name="name">What the stream is, used in error messages.</param>
    /// <param name="module">The module whose parameters and buffers receive the weights.</param>
    /// <exception cref="InvalidDataException">
    /// The bytes are malformed, a shape differs, or a key is missing or unexpected; the message starts with <paramref name="name"/>.
    /// </exception>
    public static void LoadInto(Stream stream, string name, nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        using var scope = NewDisposeScope();
        Dictionary<string, Tensor> file = SafeTensors.Read(stream, name);
        Check(name, file.ToDictionary(e => e.Key, e => e.Value.shape, StringComparer.Ordinal), module.state_dict());
        Copy(file, module);
    }

    private static void Check(string source, Dictionary<string, long[]> file, Dictionary<string, Tensor> target)
    {
        var problems = new List<string>();
        var missing = new List<string>();
        foreach (var (name, destination) in target)
        {
            if (!file.TryGetValue(name, out long[]? shape))
                missing.Add(name);
            else if (!shape.SequenceEqual(destination.shape))
                problems.Add($"tensor '{name}' has shape {SafeTensorsEntry.FormatShape(shape)} but the network expects {SafeTensorsEntry.FormatShape(destination.shape)}");
        }
        List<string> unexpected = file.Keys.Where(name => !target.ContainsKey(name)).ToList();
        if (missing.Count > 0)
            problems.Add($"missing keys (in the network, not in the file): {Quote(missing)}");
        if (unexpected.Count > 0)
            problems.Add($"unexpected keys (in the file, not in the network): {Quote(unexpected)}");
        if (problems.Count > 0)
            throw new InvalidDataException($"{source}: {string.Join("; ", problems)}");
    }

    private static void Copy(Dictionary<string, Tensor> file, nn.Module module)
    {
        Dictionary<string, Tensor> target = module.state_dict();
        using var noGrad = no_grad();
        foreach (var (name, source) in file)
            target[name].copy_(source);
    }

    private static string Quote(IEnumerable<string> keys) => string.Join(", ", keys.Select(k => $"'{k}'"));
}
