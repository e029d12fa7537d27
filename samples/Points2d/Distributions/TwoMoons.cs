using TorchSharp;
using static TorchSharp.torch;

namespace Points2d.Distributions;

/// <summary>
/// Two interleaving half circles, as scikit-learn's <c>make_moons</c> with uniformly drawn angles: the upper moon
/// (cos θ, sin θ) and the lower moon (1 − cos θ, ½ − sin θ), θ ~ U[0, π], each with probability ½, plus isotropic
/// Gaussian noise of standard deviation <see cref="NoiseStd"/>; then shifted by −(½, ¼) so that the mean is zero.
/// </summary>
/// <remarks>Without noise, x has variance ¾ and y has variance ½ − 4/π² + (2/π − ¼)² ≈ 0.244.</remarks>
public sealed class TwoMoons : IToyDistribution
{
    /// <summary>Standard deviation of the Gaussian noise added to each coordinate.</summary>
    public const double NoiseStd = 0.05;

    /// <inheritdoc />
    public string Name => "two_moons";

    /// <inheritdoc />
    public Tensor Sample(long count, Device device, Generator? generator)
    {
        ToyDistributions.CheckCount(count);
        using var scope = NewDisposeScope();
        Device drawOn = RandomDevice.For(device, generator);
        Tensor theta = rand(count, dtype: float32, device: drawOn, generator: generator) * Math.PI;
        Tensor lower = randint(2, [count], dtype: float32, device: drawOn, generator: generator);
        Tensor sign = 1 - 2 * lower;                     // +1 upper moon, -1 lower moon
        Tensor x = lower + sign * cos(theta) - 0.5;
        Tensor y = sign * sin(theta) + 0.5 * lower - 0.25;
        Tensor noise = randn([count, 2], dtype: float32, device: drawOn, generator: generator) * NoiseStd;
        return (stack([x, y], 1) + noise).to(device).MoveToOuterDisposeScope();
    }
}
