using DiffusionFramework.Core.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionFramework.Tests.Networks;

/// <summary>
/// <see cref="ChannelsLastConvolution"/> in float32 against the same convolution in float64 (which libtorch computes
/// without oneDNN): output, input gradient, weight and bias gradients, over a grid of channel counts, kernels, strides
/// and batch sizes, with the oneDNN kernels this machine gets. On an AMD EPYC with AVX-512, plain libtorch 2.10
/// convolutions got parts of this grid wrong: on contiguous tensors, e.g. 64 → 1 (input gradient NaN) and 48 → any
/// with stride 2; on channels-last tensors without channel padding, 1 → 8 (input gradient) and 2 → 33 (output).
/// </summary>
public sealed class ConvolutionCorrectnessTests
{
    private static readonly int[] InChannels = [1, 3, 24, 33, 48, 64];
    private static readonly int[] OutChannels = [1, 5, 16, 33, 64];

    [Theory]
    [InlineData(2)]
    [InlineData(1)]
    public void OutputAndGradientsMatchFloat64OverAGrid(int dims)
    {
        var generator = new Generator(17);
        var failures = new List<string>();
        int cases = 0;
        foreach (int inChannels in InChannels)
        foreach (int outChannels in OutChannels)
        foreach (int kernel in new[] { 1, 3 })
        foreach (int stride in new[] { 1, 2 })
        foreach (int batch in new[] { 3, 16 })
        {
            using var scope = NewDisposeScope();
            using var convolution = new ChannelsLastConvolution(dims, inChannels, outChannels, kernel, stride, kernel / 2);
            long[] shape = dims == 1 ? [batch, inChannels, 16] : [batch, inChannels, 8, 8];
            Tensor x = randn(shape, generator: generator);
            Tensor x32 = x.detach().requires_grad_(true);
            Tensor y32 = convolution.forward(x32);
            Tensor upstream = randn(y32.shape, generator: generator);
            (y32 * upstream).sum().backward();

            Tensor x64 = x.to(float64).requires_grad_(true);
            Tensor w64 = convolution.Weight.detach().to(float64).requires_grad_(true);
            Tensor b64 = convolution.Bias.detach().to(float64).requires_grad_(true);
            Tensor y64 = dims == 1
                ? nn.functional.conv1d(x64, w64, b64, stride, kernel / 2)
                : nn.functional.conv2d(x64, w64, b64, [stride, stride], [kernel / 2, kernel / 2]);
            (y64 * upstream.to(float64)).sum().backward();

            string where = $"{inChannels} → {outChannels}, kernel {kernel}, stride {stride}, batch {batch}";
            Compare(where, "output", y32, y64, failures);
            Compare(where, "input gradient", x32.grad!, x64.grad!, failures);
            Compare(where, "weight gradient", convolution.Weight.grad!, w64.grad!, failures);
            Compare(where, "bias gradient", convolution.Bias.grad!, b64.grad!, failures);
            cases++;
        }
        Assert.Equal(InChannels.Length * OutChannels.Length * 8, cases);
        Assert.True(failures.Count == 0, $"{failures.Count} wrong:\n{string.Join("\n", failures.Take(20))}");
    }

    [Fact]
    public void HasTorchConvolutionsKeysShapesAndInitialisation()
    {
        using var convolution = new ChannelsLastConvolution(2, 64, 32, 3);
        var state = convolution.state_dict();
        Assert.Equal(["weight", "bias"], state.Keys);
        Assert.Equal([32L, 64, 3, 3], state["weight"].shape);
        Assert.Equal([32L], state["bias"].shape);
        // torch.nn.Conv2d: Kaiming-uniform with a = √5, i.e. U(±1/√fan_in), for both; fan_in = 64·3·3.
        double bound = 1 / Math.Sqrt(64 * 9);
        Assert.True(state["weight"].abs().max().item<float>() <= bound);
        Assert.InRange(state["weight"].std().item<float>(), 0.9 * bound / Math.Sqrt(3), 1.1 * bound / Math.Sqrt(3));
        Assert.True(state["bias"].abs().max().item<float>() <= bound);
        using var sequence = new ChannelsLastConvolution(1, 16, 64, 1);
        Assert.Equal([64L, 16, 1], sequence.Weight.shape);
    }

    [Fact]
    public void RefusesAnInputOfTheWrongRank()
    {
        using var convolution = new ChannelsLastConvolution(2, 3, 8, 3, padding: 1);
        using Tensor sequence = zeros(1, 3, 8);
        var error = Assert.Throws<ArgumentException>(() => convolution.forward(sequence));
        Assert.Contains("[N, C, H, W], got [1, 3, 8]", error.Message);
    }

    private static void Compare(string where, string what, Tensor actual, Tensor expected, List<string> failures)
    {
        double error = (actual.to(float64) - expected).abs().max().item<double>();
        double scale = expected.abs().max().item<double>();
        if (!(error <= 1e-4 * Math.Max(scale, 1)))
            failures.Add($"{where}: {what} max error {error} (largest value {scale})");
    }
}
