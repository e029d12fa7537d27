using TorchSharp;

namespace Points2d;

/// <summary>
/// Where random tensors are drawn: on the generator's device (a CPU generator may drive a CUDA run), then moved to the
/// requested device, as the engine's GaussianNoiseSampler and diffusers' <c>randn_tensor</c> do; a seed thus gives the
/// same points on every device.
/// </summary>
internal static class RandomDevice
{
    /// <summary>The device to draw on for output on <paramref name="device"/>.</summary>
    public static torch.Device For(torch.Device device, torch.Generator? generator) => generator?.device ?? device;
}
