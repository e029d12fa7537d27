using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionFramework.Tests.Networks;

/// <summary>
/// Float32 convolutions of shapes the U-Net uses, each on its first call, against the same convolution in float64
/// (which libtorch computes without oneDNN), forward and backward. Without OneDnnIsaLimit these failed on an AMD EPYC
/// with AVX-512: Conv1d 24 → 16 returned arbitrary values on its first call (AVX-512 kernels), the input gradient of
/// a 64 → 1 convolution was wrong or NaN (AVX2 kernels).
/// </summary>
public sealed class ConvolutionCorrectnessTests
{
    [Theory]
    [InlineData(1, 24, 16, 2)]
    [InlineData(1, 24, 16, 8)]
    [InlineData(1, 48, 32, 5)]
    [InlineData(2, 24, 16, 4)]
    [InlineData(2, 192, 128, 4)]
    [InlineData(2, 128, 64, 8)]
    public void FirstCallMatchesFloat64(int dims, int inChannels, int outChannels, int size)
    {
        using var scope = NewDisposeScope();
        long[] shape = dims == 1 ? [3, inChannels, size] : [3, inChannels, size, size];
        Tensor x = randn(shape);
        Tensor weight = randn(dims == 1 ? [outChannels, inChannels, 3] : [outChannels, inChannels, 3, 3]) * 0.1;
        Tensor bias = randn(outChannels);
        Tensor actual = dims == 1
            ? nn.functional.conv1d(x, weight, bias, padding: 1)
            : nn.functional.conv2d(x, weight, bias, padding: [1, 1]);
        Tensor expected = dims == 1
            ? nn.functional.conv1d(x.to(float64), weight.to(float64), bias.to(float64), padding: 1)
            : nn.functional.conv2d(x.to(float64), weight.to(float64), bias.to(float64), padding: [1, 1]);
        Assert.True(actual.to(float64).allclose(expected, rtol: 1e-4, atol: 1e-4),
            $"max error {(actual.to(float64) - expected).abs().max().item<double>()}");
    }

    [Theory]
    [InlineData(8, 64, 1)]
    [InlineData(32, 64, 1)]
    [InlineData(64, 64, 1)]
    [InlineData(32, 128, 64)]
    public void GradientsMatchFloat64(int batch, int inChannels, int outChannels)
    {
        using var scope = NewDisposeScope();
        Tensor x = randn(batch, inChannels, 8, 8);
        Tensor weight = randn(outChannels, inChannels, 3, 3) * 0.05;
        (Tensor dx, Tensor dw) Gradients(ScalarType type)
        {
            Tensor xi = x.to(type).detach().requires_grad_(true);
            Tensor wi = weight.to(type).detach().requires_grad_(true);
            nn.functional.conv2d(xi, wi, padding: [1, 1]).square().sum().backward();
            return (xi.grad!.to(float64), wi.grad!.to(float64));
        }
        (Tensor dx32, Tensor dw32) = Gradients(float32);
        (Tensor dx64, Tensor dw64) = Gradients(float64);
        Assert.True(dx32.allclose(dx64, rtol: 1e-3, atol: 1e-3), $"input gradient: max error {(dx32 - dx64).abs().max().item<double>()}");
        Assert.True(dw32.allclose(dw64, rtol: 1e-3, atol: 1e-2), $"weight gradient: max error {(dw32 - dw64).abs().max().item<double>()}");
    }
}
