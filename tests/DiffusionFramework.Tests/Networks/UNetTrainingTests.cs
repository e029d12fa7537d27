using DiffusionFramework.Core.Networks;
using DiffusionFramework.Tests.Devices;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DiffusionFramework.Tests.Networks;

/// <summary>Backward pass, optimisation, device discipline and memory of <see cref="UNet"/>.</summary>
public sealed class UNetTrainingTests
{
    [Theory]
    [InlineData(2)]
    [InlineData(1)]
    public void GradientsReachEveryParameter(int dims)
    {
        using var scope = NewDisposeScope();
        UNetConfig config = dims == 2 ? UNetTestConfigs.Tiny2d : UNetTestConfigs.Tiny1d;
        using var net = UNetShapeTests.Perturbed(new UNet(config));
        (Tensor x, Tensor? labels, Tensor? context) = Batch(config, 4, CPU);
        // Labels 0..3 include the null class, so every row of the class embedding takes part.
        Tensor output = net.forward(x, tensor(new[] { 3f, 50, 400, 999 }), labels, context);
        output.square().mean().backward();
        foreach ((string name, Parameter p) in net.named_parameters())
        {
            Assert.True(p.grad is not null, $"{name} has no gradient");
            Assert.True(p.grad!.isfinite().all().item<bool>(), $"{name} has a non-finite gradient");
            Assert.True(p.grad.abs().sum().item<float>() > 0, $"{name} has an all-zero gradient");
        }
    }

    [Fact]
    public void AdamStepsOnAFixedBatchReduceTheLoss()
    {
        manual_seed(7);
        using var net = new UNet(UNetTestConfigs.Tiny2d);
        using var optimizer = optim.Adam(net.parameters(), lr: 2e-3);
        using var outer = NewDisposeScope();
        (Tensor x, Tensor? labels, _) = Batch(UNetTestConfigs.Tiny2d, 8, CPU);
        Tensor t = linspace(0, 999, 8);
        Tensor target = randn(8, 1, 8, 8);
        float Step()
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            Tensor loss = nn.functional.mse_loss(net.forward(x, t, labels, null), target);
            loss.backward();
            optimizer.step();
            return loss.item<float>();
        }
        float first = Step();
        float last = first;
        for (int i = 0; i < 30; i++)
            last = Step();
        Assert.InRange(first, 0.5f, 2f); // a fresh network predicts 0: the loss is E[target²] ≈ 1
        Assert.True(last < 0.8 * first, $"loss {first} → {last} after 30 steps");
    }

    /// <remarks>
    /// libtorch (C++) has no meta kernels for convolution and index_select (PyTorch registers those in Python), so the
    /// whole forward cannot run on meta; what can is checked: where the weights live and the timestep embedding path.
    /// </remarks>
    [Theory]
    [InlineData(2)]
    [InlineData(1)]
    public void BuildsOnTheMetaDeviceAndEmbedsTimestepsThere(int dims)
    {
        using var scope = NewDisposeScope();
        UNetConfig config = dims == 2 ? UNetTestConfigs.Tiny2d : UNetTestConfigs.Tiny1d;
        using var net = new UNet(config, Meta.Device);
        Assert.All(net.parameters(), p => Meta.AssertOn(p, "a parameter"));
        Assert.All(net.buffers(), b => Meta.AssertOn(b, "a buffer"));

        Tensor t = arange(4, device: Meta.Device);
        using var embedding = new TimestepEmbedding(config.ModelChannels, config.ResolvedTimeEmbedDim, Meta.Device);
        Tensor embedded = embedding.forward(new SinusoidalTimestepEmbedding(config.ModelChannels).forward(t));
        Meta.AssertOn(embedded, "the timestep embedding");
        Assert.Equal([4L, config.ResolvedTimeEmbedDim], embedded.shape);
        embedded.sum().backward();
        Assert.All(embedding.parameters(), p => Meta.AssertOn(p.grad!, "a gradient"));
    }

    [Fact]
    public void TimestepsOnAnotherDeviceAreRejected()
    {
        using var scope = NewDisposeScope();
        using var net = new UNet(UNetTestConfigs.Tiny2d, Meta.Device);
        var error = Assert.Throws<ArgumentException>(() =>
            net.forward(zeros([2, 1, 8, 8], device: Meta.Device), zeros(2), null, null));
        Assert.StartsWith("t is on cpu, but x is on meta", error.Message);
    }

    [Fact]
    public void RepeatedForwardCallsLeaveNoLiveTensor()
    {
        using var net = new UNet(UNetTestConfigs.Tiny1d);
        (Tensor x, _, Tensor? context) = Batch(UNetTestConfigs.Tiny1d, 2, CPU);
        Tensor t = tensor(new[] { 1f, 2f });
        void Once(bool train)
        {
            using var scope = NewDisposeScope();
            using var mode = train ? null : no_grad();
            Tensor output = net.forward(x, t, null, context);
            if (train)
                output.sum().backward();
        }
        Once(true);
        Once(false);
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (int i = 0; i < 20; i++)
        {
            Once(i % 2 == 0);
            Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        }
        x.Dispose();
        t.Dispose();
        context?.Dispose();
    }

    /// <summary>Inputs for <paramref name="config"/>: x of size 8, labels 0, 1, … (mod NumClasses + 1), a context when needed.</summary>
    private static (Tensor X, Tensor? Labels, Tensor? Context) Batch(UNetConfig config, int batch, Device device)
    {
        long[] spatial = config.Dims == 1 ? [8] : [8, 8];
        Tensor x = randn([batch, config.InChannels, .. spatial], device: device);
        Tensor? labels = config.NumClasses > 0 ? arange(batch, device: device).remainder(config.NumClasses + 1) : null;
        Tensor? context = config.ContextChannels > 0 ? randn([batch, config.ContextChannels, .. spatial], device: device) : null;
        return (x, labels, context);
    }
}
