using DiffusionFramework.Core.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionFramework.Tests.Networks;

/// <summary>The sinusoidal embedding against diffusers' get_timestep_embedding formula, computed here in double.</summary>
public sealed class TimestepEmbeddingTests
{
    [Theory]
    [InlineData(8, false, 1.0, 1.0, 10_000.0)]
    [InlineData(8, true, 0.0, 1.0, 10_000.0)]
    [InlineData(7, true, 0.0, 1.0, 10_000.0)]
    [InlineData(64, true, 0.0, 1.0, 10_000.0)]
    [InlineData(6, false, 0.0, 2.5, 100.0)]
    public void EmbeddingMatchesTheDiffusersFormula(int dim, bool flip, double shift, double scale, double maxPeriod)
    {
        using var scope = NewDisposeScope();
        double[] timesteps = [0, 1, 17.5, 999];
        float[] actual = SinusoidalTimestepEmbedding
            .Embed(tensor(timesteps.Select(t => (float)t).ToArray()), dim, flip, shift, scale, maxPeriod)
            .data<float>().ToArray();
        int half = dim / 2;
        Assert.Equal(timesteps.Length * dim, actual.Length);
        for (int b = 0; b < timesteps.Length; b++)
        {
            for (int i = 0; i < half; i++)
            {
                // diffusers: exponent = -log(max_period) * arange(half) / (half - shift); emb = scale * t * exp(exponent)
                double argument = scale * timesteps[b] * Math.Exp(-Math.Log(maxPeriod) * i / (half - shift));
                double sin = Math.Sin(argument), cos = Math.Cos(argument);
                Assert.Equal(flip ? cos : sin, actual[b * dim + i], 1e-3);
                Assert.Equal(flip ? sin : cos, actual[b * dim + half + i], 1e-3);
            }
            if (dim % 2 == 1)
                Assert.Equal(0f, actual[b * dim + dim - 1]);
        }
    }

    [Fact]
    public void ModuleAppliesItsSettingsToIntegerTimesteps()
    {
        using var scope = NewDisposeScope();
        using var module = new SinusoidalTimestepEmbedding(16, flipSinToCos: true, downscaleFreqShift: 1);
        Tensor t = tensor(new long[] { 0, 5, 999 });
        Tensor expected = SinusoidalTimestepEmbedding.Embed(t.to(float32), 16, true, 1);
        Assert.Equal(16, module.Dim);
        Assert.True(module.forward(t).eq(expected).all().item<bool>());
        // At t = 0 every cosine is 1 and every sine 0.
        Assert.Equal([.. Enumerable.Repeat(1f, 8), .. Enumerable.Repeat(0f, 8)], expected[0].data<float>().ToArray());
    }

    [Fact]
    public void BadArgumentsAreRejected()
    {
        using var scope = NewDisposeScope();
        Assert.Throws<ArgumentException>(() => SinusoidalTimestepEmbedding.Embed(zeros(2, 2), 8));
        Assert.Throws<ArgumentOutOfRangeException>(() => SinusoidalTimestepEmbedding.Embed(zeros(2), 2, downscaleFreqShift: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SinusoidalTimestepEmbedding(1));
    }

    [Fact]
    public void TimestepEmbeddingIsLinearSiluLinear()
    {
        using var scope = NewDisposeScope();
        using var module = new TimestepEmbedding(4, 6);
        Dictionary<string, Tensor> state = module.state_dict();
        Assert.Equal(["linear_1.bias", "linear_1.weight", "linear_2.bias", "linear_2.weight"], state.Keys.Order());
        Tensor x = randn(3, 4);
        Tensor expected = nn.functional.silu(x.matmul(state["linear_1.weight"].t()) + state["linear_1.bias"])
            .matmul(state["linear_2.weight"].t()) + state["linear_2.bias"];
        Assert.True(module.forward(x).allclose(expected, rtol: 1e-5, atol: 1e-6));
    }
}
