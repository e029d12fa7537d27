using TorchSharp;

namespace DiffusionFramework.Abstractions;

/// <summary>
/// The network of a diffusion model: predicts <see cref="PredictionType"/> from the (scaled) noisy sample and the
/// timestep. The engine moves <see cref="Module"/> to the configured device and reads its parameters and state.
/// </summary>
public interface IDenoiser
{
    /// <summary>What <see cref="Forward"/> returns: epsilon, v, the clean sample or a flow velocity.</summary>
    PredictionType PredictionType { get; }

    /// <summary>The TorchSharp module that owns every parameter and buffer (state_dict keys = checkpoint keys).</summary>
    torch.nn.Module Module { get; }

    /// <summary>Predicts from a noisy batch.</summary>
    /// <param name="sample">x_t as the sampler hands it over (already scaled by <c>scale_model_input</c>), [B, ...].</param>
    /// <param name="timestep">Timesteps in training units (0 .. num_train_timesteps-1, may be fractional; σ ·
    /// num_train_timesteps for <see cref="PredictionType.Flow"/>), float [B].</param>
    /// <param name="conditioning">Labels, context, masks and the drop-condition flag.</param>
    /// <returns>A tensor of the sample's shape.</returns>
    torch.Tensor Forward(torch.Tensor sample, torch.Tensor timestep, Conditioning conditioning);
}
