using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DiffusionFramework.Core.Networks;

/// <summary>
/// A 1-d or 2-d convolution with a square kernel, state-dict compatible with torch.nn.Conv1d / Conv2d (keys weight
/// [out, in, k] or [out, in, k, k], and bias [out]; the same initialisation), that runs channels-last with channel
/// counts padded to a multiple of <see cref="ChannelBlock"/> on the CPU. Use it for every convolution of a network.
/// </summary>
/// <remarks>
/// <para>Why: the oneDNN in libtorch 2.10 (TorchSharp 0.107) computes some float32 convolutions wrongly with its AVX2
/// and AVX-512 kernels (seen on an AMD EPYC). On contiguous (NCHW) tensors the input gradient of 64 → 1 came out NaN,
/// a Conv1d 24 → 16 returned junk on its first call, and 48 → any with stride 2 was wrong even with padded channels;
/// on channels-last tensors only channel counts off the block of 16 were wrong (1 → 8, 2 → 33). Channels-last with
/// padded channels matched float64 over the whole grid measured (README, "Wrong convolutions"), and is about twice as
/// fast as limiting oneDNN to AVX kernels, the earlier workaround (tests/Benchmarks/UNetTrainStep).
/// tests/DiffusionFramework.Tests/Networks/ConvolutionCorrectnessTests checks it against float64.</para>
/// <para>On the CPU the input gets zero channels and the kernel zero rows and columns up to the block, the output is
/// narrowed to the real channels, and a 2-d input is made channels-last (a no-op when it already is: outputs stay
/// channels-last, so a stack of these converts once). A 1-d input runs as a 2-d convolution over [N, C, 1, L]; its
/// output is [N, out, L] with the channels innermost in memory. On other devices the input passes as it is.</para>
/// </remarks>
public sealed class ChannelsLastConvolution : nn.Module<Tensor, Tensor>
{
    /// <summary>On the CPU every channel count is padded with zeros to a multiple of this (oneDNN's AVX-512 block).</summary>
    public const int ChannelBlock = 16;

    private readonly Parameter weight;
    private readonly Parameter bias;
    private readonly int dims;
    private readonly long stride;
    private readonly long padding;

    /// <summary>Creates the convolution with torch.nn.Conv's initialisation (Kaiming-uniform weight, a = √5; bias
    /// uniform in ±1/√fan_in), drawn from the global generator.</summary>
    /// <param name="dims">1 for sequences [N, C, L], 2 for images [N, C, H, W].</param>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="kernelSize">Kernel width (and height).</param>
    /// <param name="stride">Stride along every spatial axis.</param>
    /// <param name="padding">Zero padding on each side of every spatial axis.</param>
    /// <param name="device">Where the parameters live; the CPU when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">dims is not 1 or 2, or a size is not positive.</exception>
    public ChannelsLastConvolution(int dims, long inChannels, long outChannels, long kernelSize, long stride = 1, long padding = 0,
        Device? device = null) : base(nameof(ChannelsLastConvolution))
    {
        if (dims is not (1 or 2))
            throw new ArgumentOutOfRangeException(nameof(dims), dims, "dims must be 1 or 2");
        ArgumentOutOfRangeException.ThrowIfLessThan(inChannels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outChannels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(kernelSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        this.dims = dims;
        this.stride = stride;
        this.padding = padding;
        long[] shape = dims == 1 ? [outChannels, inChannels, kernelSize] : [outChannels, inChannels, kernelSize, kernelSize];
        weight = new Parameter(empty(shape, device: device));
        bias = new Parameter(empty(outChannels, device: device));
        using (no_grad())
        {
            nn.init.kaiming_uniform_(weight, a: Math.Sqrt(5));
            double bound = 1 / Math.Sqrt(weight.numel() / outChannels); // 1/√fan_in
            nn.init.uniform_(bias, -bound, bound);
        }
        RegisterComponents();
    }

    /// <summary>The kernel [out, in, k] or [out, in, k, k] (state-dict key weight).</summary>
    public Parameter Weight => weight;

    /// <summary>The bias [out] (state-dict key bias).</summary>
    public Parameter Bias => bias;

    /// <summary>Convolves <paramref name="input"/> [N, in, *spatial] into [N, out, *spatial'].</summary>
    /// <exception cref="ArgumentException">The input is not (dims + 2)-dimensional.</exception>
    public override Tensor forward(Tensor input)
    {
        if (input.dim() != dims + 2)
            throw new ArgumentException(
                $"a {dims}-d convolution takes [N, C, {(dims == 1 ? "L" : "H, W")}], got [{string.Join(", ", input.shape)}]",
                nameof(input));
        if (input.device_type != DeviceType.CPU)
            return dims == 1
                ? nn.functional.conv1d(input, weight, bias, stride, padding)
                : nn.functional.conv2d(input, weight, bias, [stride, stride], [padding, padding]);
        using var scope = NewDisposeScope();
        // As a 2-d convolution over channels-last [N, C', H, W] with C' and out' the channel counts rounded up to
        // ChannelBlock: zero input channels, zero kernel rows and columns, zero biases, then the real outputs.
        long inChannels = weight.shape[1], outChannels = weight.shape[0];
        long padIn = RoundUp(inChannels) - inChannels, padOut = RoundUp(outChannels) - outChannels;
        Tensor image = dims == 2 ? input : input.unsqueeze(2);
        Tensor kernel = dims == 2 ? weight : weight.unsqueeze(2);
        Tensor shift = bias;
        if (padIn > 0)
            image = nn.functional.pad(image, [0, 0, 0, 0, 0, padIn]);
        if (padIn > 0 || padOut > 0)
            kernel = nn.functional.pad(kernel, [0, 0, 0, 0, 0, padIn, 0, padOut]);
        if (padOut > 0)
            shift = nn.functional.pad(bias, [0, padOut]);
        long[] strides = dims == 2 ? [stride, stride] : [1, stride];
        long[] paddings = dims == 2 ? [padding, padding] : [0, padding];
        Tensor output = nn.functional.conv2d(ChannelsLast(image), kernel, shift, strides, paddings);
        if (padOut > 0)
            output = output.narrow(1, 0, outChannels);
        return (dims == 2 ? output : output.squeeze(2)).MoveToOuterDisposeScope();
    }

    private static long RoundUp(long channels) => (channels + ChannelBlock - 1) / ChannelBlock * ChannelBlock;

    /// <summary>[N, C, H, W] with channels-last strides: <paramref name="x"/> itself when it already has them.</summary>
    private static Tensor ChannelsLast(Tensor x)
    {
        long c = x.shape[1], h = x.shape[2], w = x.shape[3];
        bool already = x.stride(1) == 1 && x.stride(3) == c && x.stride(2) == c * w && x.stride(0) == c * h * w;
        return already ? x : x.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);
    }
}
