using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionFramework.Core.Networks;

/// <summary>
/// Doubles every spatial axis by nearest-neighbour repetition followed by a 3-wide convolution, as in the DDPM/ADM
/// U-Nets (arXiv:2105.05233).
/// </summary>
/// <remarks>State-dict key: conv.</remarks>
public sealed class Upsample : nn.Module<Tensor, Tensor>
{
    private readonly int dims;
    private readonly nn.Module<Tensor, Tensor> conv;

    /// <summary>Creates the convolution on <paramref name="device"/> (the CPU when null).</summary>
    /// <param name="dims">1 for sequences, 2 for images.</param>
    /// <param name="channels">Channels in and out.</param>
    /// <param name="device">Where the parameters live.</param>
    public Upsample(int dims, int channels, Device? device = null) : base(nameof(Upsample))
    {
        this.dims = dims;
        conv = Layers.Conv3(dims, channels, channels, device);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        double[] factors = dims == 1 ? [2.0] : [2.0, 2.0];
        return conv.forward(nn.functional.interpolate(x, scale_factor: factors, mode: InterpolationMode.Nearest));
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
            conv.Dispose();
        base.Dispose(disposing);
    }
}
