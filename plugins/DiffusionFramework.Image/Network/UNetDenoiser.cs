using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Networks;
using TorchSharp;

namespace DiffusionFramework.Image.Network;

/// <summary>
/// The image modality's <see cref="IDenoiser"/>: the engine's <see cref="UNet"/> (ADM, Dhariwal and Nichol 2021,
/// arXiv 2105.05233) fed with the conditioning. Class labels go to the class embedding, the context (the upsampled
/// low-resolution image of SR3, arXiv 2104.07636) is concatenated to x_t on channels. With
/// <see cref="Conditioning.DropCondition"/> the labels become the null class and the context zeros: the
/// unconditional branch of classifier-free guidance (Ho and Salimans 2022, arXiv 2207.12598) and of condition dropout.
/// </summary>
public sealed class UNetDenoiser : IDenoiser
{
    private readonly UNet network;

    /// <summary>Builds the U-Net of <paramref name="config"/> on <paramref name="device"/>.</summary>
    public UNetDenoiser(ImageConfig config, torch.Device device)
    {
        ArgumentNullException.ThrowIfNull(config);
        network = new UNet(config.Network, device);
        PredictionType = config.PredictionType;
    }

    /// <inheritdoc />
    public PredictionType PredictionType { get; }

    /// <inheritdoc />
    public torch.nn.Module Module => network;

    /// <summary>The network's configuration.</summary>
    public UNetConfig Config => network.Config;

    /// <inheritdoc />
    public torch.Tensor Forward(torch.Tensor sample, torch.Tensor timestep, Conditioning conditioning)
    {
        ArgumentNullException.ThrowIfNull(conditioning);
        if (!conditioning.DropCondition)
            return network.forward(sample, timestep, conditioning.ClassLabels, conditioning.Context);
        using var scope = torch.NewDisposeScope();
        torch.Tensor? nullContext = conditioning.Context is { } context ? torch.zeros_like(context) : null;
        return network.forward(sample, timestep, null, nullContext).MoveToOuterDisposeScope();
    }
}
