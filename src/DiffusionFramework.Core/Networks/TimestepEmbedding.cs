using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DiffusionFramework.Core.Networks;

/// <summary>
/// The learnt part of the timestep embedding, as diffusers' <c>TimestepEmbedding</c>: linear_1 → SiLU → linear_2,
/// mapping the sinusoidal embedding to the network width.
/// </summary>
/// <remarks>State-dict keys: linear_1.{weight,bias}, linear_2.{weight,bias}.</remarks>
public sealed class TimestepEmbedding : nn.Module<Tensor, Tensor>
{
    private readonly Linear linear_1;
    private readonly Linear linear_2;

    /// <summary>Creates the two layers on <paramref name="device"/> (the CPU when null).</summary>
    /// <param name="inChannels">Size of the sinusoidal embedding.</param>
    /// <param name="timeEmbedDim">Width of both layers' outputs.</param>
    /// <param name="device">Where the parameters live.</param>
    public TimestepEmbedding(int inChannels, int timeEmbedDim, Device? device = null) : base(nameof(TimestepEmbedding))
    {
        linear_1 = nn.Linear(inChannels, timeEmbedDim, device: device);
        linear_2 = nn.Linear(timeEmbedDim, timeEmbedDim, device: device);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor sinusoidal) => linear_2.forward(nn.functional.silu(linear_1.forward(sinusoidal)));

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            linear_1.Dispose();
            linear_2.Dispose();
        }
        base.Dispose(disposing);
    }
}
