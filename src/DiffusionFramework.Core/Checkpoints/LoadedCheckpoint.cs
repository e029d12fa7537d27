using static TorchSharp.torch;

namespace DiffusionFramework.Core.Checkpoints;

/// <summary>A checkpoint read into memory: its configuration and state dicts. Disposing it frees every tensor.</summary>
/// <param name="Config">The validated <c>config.json</c>.</param>
/// <param name="Model">The network's state dict from <c>model.safetensors</c>.</param>
/// <param name="Ema">The EMA weights from <c>ema.safetensors</c>, or null when the checkpoint has none.</param>
/// <param name="OptimizerState">The optimizer tensors from <c>optimizer.safetensors</c>, or null when absent.</param>
public sealed record LoadedCheckpoint(
    CheckpointConfig Config,
    IReadOnlyDictionary<string, Tensor> Model,
    IReadOnlyDictionary<string, Tensor>? Ema,
    IReadOnlyDictionary<string, Tensor>? OptimizerState) : IDisposable
{
    /// <summary>Disposes every tensor of the three state dicts.</summary>
    public void Dispose()
    {
        foreach (var stateDict in new[] { Model, Ema, OptimizerState })
        {
            foreach (Tensor tensor in stateDict?.Values ?? [])
                tensor.Dispose();
        }
    }
}
