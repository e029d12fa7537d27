using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionFramework.Core.Networks;

/// <summary>Halves every spatial axis with a stride-2 3-wide convolution, as in the DDPM/ADM U-Nets (arXiv:2105.05233).</summary>
/// <remarks>State-dict key: conv. An odd axis of length n becomes ⌈n/2⌉.</remarks>
public sealed class Downsample : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> conv;

    /// <summary>Creates the convolution on <paramref name="device"/> (the CPU when null).</summary>
    /// <param name="dims">1 for sequences, 2 for images.</param>
    /// <param name="channels">Channels in and out.</param>
    /// <param name="device">Where the parameters live.</param>
    public Downsample(int dims, int channels, Device? device = null) : base(nameof(Downsample))
    {
        conv = Layers.Conv(dims, channels, channels, 3, device, stride: 2, padding: 1);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x) => conv.forward(x);

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
            conv.Dispose();
        base.Dispose(disposing);
    }
}
