using DiffusionFramework.Core.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionFramework.Tests.Networks;

/// <summary>Shapes, conditioning paths and input checks of <see cref="UNet.forward"/>.</summary>
public sealed class UNetShapeTests
{
    [Theory]
    [InlineData(8, 8)]
    [InlineData(4, 12)]
    public void TwoDimensionalOutputHasTheInputsShape(long height, long width)
    {
        using var scope = NewDisposeScope();
        using var net = Perturbed(new UNet(UNetTestConfigs.Tiny2d));
        Tensor x = randn(5, 1, height, width);
        Tensor output = net.forward(x, tensor(new[] { 0f, 10, 500.5f, 999, 3 }), tensor(new long[] { 0, 1, 2, 3, 1 }), null);
        Assert.Equal([5L, 1, height, width], output.shape);
        Assert.Equal(float32, output.dtype);
        Assert.True(output.isfinite().all().item<bool>());
    }

    [Fact]
    public void OneDimensionalOutputHasOutChannelsAndLength()
    {
        using var scope = NewDisposeScope();
        using var net = Perturbed(new UNet(UNetTestConfigs.Tiny1d));
        Tensor x = randn(4, 3, 20);
        Tensor output = net.forward(x, tensor(new long[] { 1, 2, 3, 4 }), null, randn(4, 2, 20));
        Assert.Equal([4L, 2, 20], output.shape);
    }

    [Fact]
    public void ScalarTimestepIsBroadcastOverTheBatch()
    {
        using var scope = NewDisposeScope();
        using var net = Perturbed(new UNet(UNetTestConfigs.Tiny2d));
        Tensor x = randn(3, 1, 8, 8);
        Tensor labels = tensor(new long[] { 0, 1, 2 });
        Tensor fromScalar = net.forward(x, tensor(250L), labels, null);
        Tensor fromVector = net.forward(x, full(3, 250L), labels, null);
        Assert.True(fromScalar.allclose(fromVector, rtol: 1e-5, atol: 1e-6));
        // The timestep matters.
        Assert.False(fromScalar.allclose(net.forward(x, tensor(900L), labels, null), rtol: 1e-3, atol: 1e-4));
    }

    [Fact]
    public void ClassLabelsChangeTheOutputAndNullLabelsMeanTheNullClass()
    {
        using var scope = NewDisposeScope();
        using var net = Perturbed(new UNet(UNetTestConfigs.Tiny2d));
        Tensor x = randn(2, 1, 8, 8);
        Tensor t = tensor(new[] { 100f, 100f });
        Tensor unconditional = net.forward(x, t, null, null);
        Tensor nullClass = net.forward(x, t, full(2, 3L), null);
        Tensor class0 = net.forward(x, t, zeros(2, dtype: int64), null);
        Tensor class1 = net.forward(x, t, ones(2, dtype: int32), null);
        Assert.True(unconditional.eq(nullClass).all().item<bool>());
        Assert.False(class0.allclose(class1, rtol: 1e-3, atol: 1e-4));
        Assert.False(class0.allclose(nullClass, rtol: 1e-3, atol: 1e-4));
    }

    [Fact]
    public void ContextChangesTheOutput()
    {
        using var scope = NewDisposeScope();
        using var net = Perturbed(new UNet(UNetTestConfigs.Tiny1d));
        Tensor x = randn(2, 3, 8);
        Tensor t = tensor(new[] { 10f, 20f });
        Assert.False(net.forward(x, t, null, zeros(2, 2, 8)).allclose(net.forward(x, t, null, ones(2, 2, 8)), rtol: 1e-3, atol: 1e-4));
    }

    [Fact]
    public void FreshNetworkPredictsZeroBecauseConvOutStartsAtZero()
    {
        using var scope = NewDisposeScope();
        using var net = new UNet(UNetTestConfigs.Tiny2d);
        Assert.Equal(0f, net.forward(randn(2, 1, 8, 8), tensor(new[] { 1f, 2f }), null, null).abs().max().item<float>());
    }

    [Fact]
    public void BadInputsGetMessagesThatSayWhatToFix()
    {
        using var scope = NewDisposeScope();
        using var net2d = new UNet(UNetTestConfigs.Tiny2d);
        using var net1d = new UNet(UNetTestConfigs.Tiny1d);
        Tensor t2 = zeros(2);
        AssertRejected("x must be [B, C, H, W] with C = in_channels = 1", () => net2d.forward(zeros(2, 2, 8, 8), t2, null, null));
        AssertRejected("x must be [B, C, H, W]", () => net2d.forward(zeros(2, 1, 8), t2, null, null));
        AssertRejected("must be a positive multiple of 2", () => net2d.forward(zeros(2, 1, 8, 7), t2, null, null));
        AssertRejected("must be a positive multiple of 4", () => net1d.forward(zeros(2, 3, 10), t2, null, zeros(2, 2, 10)));
        AssertRejected("t must be a scalar or have shape [2]", () => net2d.forward(zeros(2, 1, 8, 8), zeros(3), null, null));
        AssertRejected("classLabels must be integers of shape [2]", () => net2d.forward(zeros(2, 1, 8, 8), t2, zeros(2), null));
        AssertRejected("classLabels must lie in [0, 3]", () => net2d.forward(zeros(2, 1, 8, 8), t2, full(2, 4L), null));
        AssertRejected("classLabels must lie in [0, 3]", () => net2d.forward(zeros(2, 1, 8, 8), t2, full(2, -1L), null));
        AssertRejected("network is unconditional", () => net1d.forward(zeros(2, 3, 8), t2, zeros(2, dtype: int64), zeros(2, 2, 8)));
        AssertRejected("context is required", () => net1d.forward(zeros(2, 3, 8), t2, null, null));
        AssertRejected("context must have shape [2, 2, 8]", () => net1d.forward(zeros(2, 3, 8), t2, null, zeros(2, 2, 4)));
        AssertRejected("context given, but the network takes none", () => net2d.forward(zeros(2, 1, 8, 8), t2, null, zeros(2, 1, 8, 8)));
    }

    [Fact]
    public void StateDictKeysAreReadable()
    {
        using var scope = NewDisposeScope();
        using var net = new UNet(UNetTestConfigs.Tiny2d);
        Dictionary<string, Tensor> state = net.state_dict();
        string[] expected =
        [
            "time_embedding.linear_1.weight", "class_embedding.weight", "conv_in.weight",
            "down.0.res.0.norm1.weight", "down.0.res.0.conv1.weight", "down.0.res.0.time_emb_proj.weight",
            "down.0.res.0.norm2.bias", "down.0.res.0.conv2.weight", "down.0.downsample.conv.weight",
            "down.1.res.0.conv_shortcut.weight", "down.1.attn.0.norm.weight", "down.1.attn.0.qkv.weight",
            "down.1.attn.0.proj_out.weight", "mid.res_1.conv1.weight", "mid.attn.qkv.weight", "mid.res_2.conv2.bias",
            "up.0.res.1.conv_shortcut.weight", "up.0.attn.1.qkv.weight", "up.0.upsample.conv.weight",
            "up.1.res.1.conv1.weight", "norm_out.weight", "conv_out.weight",
        ];
        Assert.All(expected, key => Assert.Contains(key, state.Keys));
        Assert.DoesNotContain(state.Keys, k => k.StartsWith("down.0.attn", StringComparison.Ordinal));
        Assert.DoesNotContain(state.Keys, k => k.StartsWith("down.1.downsample", StringComparison.Ordinal));
        Assert.DoesNotContain(state.Keys, k => k.StartsWith("up.1.upsample", StringComparison.Ordinal));
        Assert.Equal([16L, 8], state["time_embedding.linear_1.weight"].shape);
        Assert.Equal([4L, 16], state["class_embedding.weight"].shape);
        Assert.Equal([48L, 16, 1], state["down.1.attn.0.qkv.weight"].shape);
        Assert.Equal([16L, 16], state["down.0.res.0.time_emb_proj.weight"].shape); // scale and shift of 8 channels
        Assert.Equal([32L, 16], state["down.1.res.0.time_emb_proj.weight"].shape);
    }

    /// <summary>Gives the zero-initialised output layers random weights, so that every path shows in the output.</summary>
    internal static UNet Perturbed(UNet net)
    {
        using (no_grad())
        {
            foreach (TorchSharp.Modules.Parameter p in net.parameters())
            {
                if (p.abs().max().item<float>() == 0)
                    p.normal_(0, 0.1);
            }
        }
        return net;
    }

    private static void AssertRejected(string expectedStart, Action forward)
    {
        var error = Assert.ThrowsAny<ArgumentException>(forward);
        Assert.Contains(expectedStart, error.Message);
    }
}
