using DiffusionFramework.Core.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionFramework.Tests.Networks;

/// <summary>
/// One training loss through the whole U-Net in float32, with this machine's oneDNN kernels, against the same network
/// and batch in float64: every parameter's gradient and the input's. The zero-initialised output layers get random
/// weights first so that gradients reach every layer.
/// </summary>
public sealed class UNetGradientTests
{
    public static TheoryData<string, int> Cases => new()
    {
        { nameof(UNetTestConfigs.Tiny2d), 16 },
        { nameof(UNetTestConfigs.Tiny1d), 16 },
        { "digits", 32 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Float32GradientsMatchFloat64(string name, int batch)
    {
        UNetConfig config = name switch
        {
            nameof(UNetTestConfigs.Tiny2d) => UNetTestConfigs.Tiny2d,
            nameof(UNetTestConfigs.Tiny1d) => UNetTestConfigs.Tiny1d,
            // The shipped digits model's shape: 64 and 128 channels, one input and output channel.
            _ => new UNetConfig { InChannels = 1, OutChannels = 1, ModelChannels = 64, ChannelMult = [1, 2], AttentionResolutions = [2], NumClasses = 10 },
        };
        using var scope = NewDisposeScope();
        var generator = new Generator(5);
        using var single = new UNet(config);
        using var reference = new UNet(config);
        reference.to(float64);
        using (no_grad())
        {
            foreach (var (parameter, copy) in single.parameters().Zip(reference.parameters()))
            {
                if (parameter.abs().max().item<float>() == 0)
                    parameter.copy_(randn(parameter.shape, generator: generator) * 0.05);
                copy.copy_(parameter);
            }
        }
        long[] shape = config.Dims == 1 ? [batch, config.InChannels, 16] : [batch, config.InChannels, 8, 8];
        Tensor x = randn(shape, generator: generator);
        Tensor target = randn([batch, config.OutChannels, .. shape[2..]], generator: generator);
        Tensor t = randint(0, 1000, [batch], generator: generator);
        Tensor? labels = config.NumClasses > 0 ? randint(0, config.NumClasses, [batch], generator: generator) : null;
        Tensor? context = config.ContextChannels > 0
            ? randn([batch, config.ContextChannels, .. shape[2..]], generator: generator)
            : null;

        Tensor x32 = x.detach().requires_grad_(true);
        nn.functional.mse_loss(single.forward(x32, t, labels, context), target).backward();
        Tensor x64 = x.to(float64).requires_grad_(true);
        nn.functional.mse_loss(reference.forward(x64, t, labels, context?.to(float64)), target.to(float64)).backward();

        var failures = new List<string>();
        foreach (var ((parameterName, parameter), copy) in single.named_parameters().Zip(reference.parameters()))
            Compare(parameterName, parameter.grad!, copy.grad!, failures);
        Compare("input", x32.grad!, x64.grad!, failures);
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private static void Compare(string name, Tensor actual, Tensor expected, List<string> failures)
    {
        double scale = expected.abs().max().item<double>();
        double error = (actual.to(float64) - expected).abs().max().item<double>();
        if (!(error <= 1e-3 * scale + 1e-9))
            failures.Add($"{name}: max error {error} against largest gradient {scale}");
    }
}
