using DiffusionFramework.Core.Devices;
using TorchSharp;

namespace DiffusionFramework.Tests.Devices;

public sealed class NnpackSwitchTests
{
    [Fact]
    public void DisableTurnsLibtorchsNnpackFlagOffAndConvolutionsStillMatchFloat64()
    {
        NnpackSwitch.Disable();

        // The switch binds to libtorch's Linux exports; elsewhere it reports nothing.
        Assert.Equal(OperatingSystem.IsLinux() ? false : null, NnpackSwitch.Enabled);
        // An inference convolution of the shape libtorch offered NNPACK (batch 16, 3x3) runs on the fallback kernels.
        using var scope = torch.NewDisposeScope();
        using var _ = torch.inference_mode();
        var generator = new torch.Generator(5);
        torch.Tensor x = torch.randn(16, 8, 32, 32, generator: generator);
        torch.Tensor w = torch.randn(8, 8, 3, 3, generator: generator);
        torch.Tensor y = torch.nn.functional.conv2d(x, w, padding: [1, 1]);
        torch.Tensor expected = torch.nn.functional.conv2d(x.to(torch.float64), w.to(torch.float64), padding: [1, 1]);
        Assert.True(y.to(torch.float64).allclose(expected, rtol: 1e-4, atol: 1e-4));
    }
}
