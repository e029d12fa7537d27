using DiffusionFramework.Abstractions;
using TorchSharp;

namespace Points2d;

/// <summary>
/// Standard Gaussian noise N(0, I), the ε of DDPM (Ho et al. 2020). Kept in the plugin until the engine offers a
/// shared one; points need no masking, so the conditioning is ignored.
/// </summary>
internal sealed class GaussianNoiseSampler : INoiseSampler
{
    /// <inheritdoc />
    public torch.Tensor Sample(long[] shape, torch.ScalarType dtype, torch.Device device, torch.Generator? generator,
        Conditioning? conditioning) =>
        torch.randn(shape, dtype: dtype, device: device, generator: generator);
}
