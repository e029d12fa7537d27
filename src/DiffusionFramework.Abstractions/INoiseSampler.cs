using TorchSharp;

namespace DiffusionFramework.Abstractions;

/// <summary>
/// Draws the noise used by training and by stochastic samplers. The default is a standard Gaussian; molecules
/// project it to zero centre of mass over the real atoms; a test can replay stored noise.
/// </summary>
public interface INoiseSampler
{
    /// <summary>Draws noise of <paramref name="shape"/> on <paramref name="device"/>.</summary>
    /// <param name="shape">Full batch shape.</param>
    /// <param name="dtype">Element type.</param>
    /// <param name="device">Where the tensor is created.</param>
    /// <param name="generator">The run's seeded generator, or null for the global one.</param>
    /// <param name="conditioning">Masks that restrict the noise (e.g. atom mask), or null.</param>
    torch.Tensor Sample(long[] shape, torch.ScalarType dtype, torch.Device device, torch.Generator? generator,
        Conditioning? conditioning);
}
