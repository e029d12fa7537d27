using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionFramework.Core.Training;

/// <summary>
/// A module with no computation whose state dict is a given set of named tensors: hands the EMA's shadow weights to
/// <see cref="Checkpoints.Checkpoint.Save"/>, which stores a module's state dict.
/// </summary>
internal sealed class StateDictModule(IReadOnlyDictionary<string, Tensor> tensors) : nn.Module(nameof(StateDictModule))
{
    /// <inheritdoc />
    public override Dictionary<string, Tensor> state_dict(Dictionary<string, Tensor>? destination = null, string? prefix = null)
    {
        destination ??= [];
        foreach (var (name, tensor) in tensors)
            destination[(prefix ?? "") + name] = tensor;
        return destination;
    }
}
