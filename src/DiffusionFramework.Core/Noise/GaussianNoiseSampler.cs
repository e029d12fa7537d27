using DiffusionFramework.Abstractions;
using TorchSharp;

namespace DiffusionFramework.Core.Noise;

/// <summary>Standard normal noise N(0, I), drawn with the given generator on the given device and dtype.</summary>
/// <remarks>
/// When the generator lives on another device than the requested one (a CPU generator for a CUDA run), the noise is
/// drawn on the generator's device and moved, as diffusers' <c>randn_tensor</c> does, so a seed gives the same noise on
/// every device. Masks in the conditioning are ignored.
/// </remarks>
public sealed class GaussianNoiseSampler : INoiseSampler
{
    /// <summary>The shared instance (the sampler is stateless).</summary>
    public static GaussianNoiseSampler Instance { get; } = new();

    /// <inheritdoc />
    public torch.Tensor Sample(long[] shape, torch.ScalarType dtype, torch.Device device, torch.Generator? generator,
        Conditioning? conditioning)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(device);
        torch.Device drawOn = generator?.device ?? device;
        if (drawOn.type == device.type && drawOn.index == device.index)
        {
            return torch.randn(shape, dtype: dtype, device: device, generator: generator);
        }

        using torch.Tensor drawn = torch.randn(shape, dtype: dtype, device: drawOn, generator: generator);
        return drawn.to(device);
    }
}
