using TorchSharp;
using static TorchSharp.torch;

namespace Points2d.Distributions;

/// <summary>
/// A mixture of eight equally weighted isotropic Gaussians centred on a circle at angles k·π/4, as in the toy
/// set-ups of Metz et al. 2017 (Unrolled GANs) and Gulrajani et al. 2017 (WGAN-GP): radius 2 and standard deviation
/// 0.02·2, divided by √2 so that each coordinate has roughly unit variance.
/// </summary>
public sealed class EightGaussians : IToyDistribution
{
    /// <summary>Number of mixture components.</summary>
    public const int Components = 8;

    /// <summary>Distance of every centre from the origin (2/√2).</summary>
    public static readonly double Radius = Math.Sqrt(2.0);

    /// <summary>Standard deviation of each component per coordinate (0.02 times the radius before scaling).</summary>
    public static readonly double ComponentStd = 0.02 * 2.0 / Math.Sqrt(2.0);

    /// <inheritdoc />
    public string Name => "8gaussians";

    /// <inheritdoc />
    public Tensor Sample(long count, Device device, Generator? generator)
    {
        ToyDistributions.CheckCount(count);
        using var scope = NewDisposeScope();
        Device drawOn = RandomDevice.For(device, generator);
        Tensor k = randint(Components, [count], dtype: float32, device: drawOn, generator: generator);
        Tensor angle = k * (2 * Math.PI / Components);
        Tensor centres = stack([cos(angle), sin(angle)], 1) * Radius;
        Tensor noise = randn([count, 2], dtype: float32, device: drawOn, generator: generator) * ComponentStd;
        return (centres + noise).to(device).MoveToOuterDisposeScope();
    }
}
