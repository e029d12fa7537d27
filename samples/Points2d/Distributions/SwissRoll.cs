using TorchSharp;
using static TorchSharp.torch;

namespace Points2d.Distributions;

/// <summary>
/// The 2-D swiss roll of the toy set-ups (scikit-learn's <c>make_swiss_roll</c> projected on its x and z axes, as in
/// WGAN-GP): t = 1.5π(1 + 2u), u ~ U[0, 1], the point (t cos t, t sin t) plus Gaussian noise of standard deviation
/// 0.25 per coordinate, all divided by <see cref="Scale"/> = 7.5, which puts it in a disc of radius about 1.9.
/// </summary>
public sealed class SwissRoll : IToyDistribution
{
    /// <summary>The divisor that brings the roll to roughly unit scale.</summary>
    public const double Scale = 7.5;

    /// <summary>Standard deviation of the noise before scaling.</summary>
    public const double NoiseStd = 0.25;

    /// <summary>Smallest curve parameter t (1.5π).</summary>
    public const double TMin = 1.5 * Math.PI;

    /// <summary>Largest curve parameter t (4.5π).</summary>
    public const double TMax = 4.5 * Math.PI;

    /// <inheritdoc />
    public string Name => "swiss_roll";

    /// <inheritdoc />
    public Tensor Sample(long count, Device device, Generator? generator)
    {
        ToyDistributions.CheckCount(count);
        using var scope = NewDisposeScope();
        Device drawOn = RandomDevice.For(device, generator);
        Tensor t = TMin + (TMax - TMin) * rand(count, dtype: float32, device: drawOn, generator: generator);
        Tensor curve = stack([t * cos(t), t * sin(t)], 1);
        Tensor noise = randn([count, 2], dtype: float32, device: drawOn, generator: generator) * NoiseStd;
        return ((curve + noise) / Scale).to(device).MoveToOuterDisposeScope();
    }
}
