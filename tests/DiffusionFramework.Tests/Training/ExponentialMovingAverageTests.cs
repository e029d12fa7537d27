using DiffusionFramework.Core.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionFramework.Tests.Training;

/// <summary>The EMA against decays and averages computed by hand.</summary>
public class ExponentialMovingAverageTests
{
    /// <summary>A module with a trainable weight, a frozen parameter and a buffer.</summary>
    private sealed class Probe : nn.Module
    {
        private readonly TorchSharp.Modules.Parameter weight;
        private readonly TorchSharp.Modules.Parameter frozen;
        private readonly Tensor running;

        public Probe(float[] w, float f, float r) : base(nameof(Probe))
        {
            weight = nn.Parameter(tensor(w));
            frozen = nn.Parameter(tensor(new[] { f }), requires_grad: false);
            running = tensor(new[] { r });
            register_buffer("running", running);
            RegisterComponents();
        }

        public void Set(float[] w, float f, float r)
        {
            using var noGrad = no_grad();
            weight.copy_(tensor(w));
            frozen.copy_(tensor(new[] { f }));
            running.copy_(tensor(new[] { r }));
        }

        public float[] Weight => weight.data<float>().ToArray();
        public float Frozen => frozen.item<float>();
        public float Running => running.item<float>();
    }

    [Theory]
    [InlineData(EmaWarmup.Ratio, 1, 0.0)]
    [InlineData(EmaWarmup.Ratio, 2, 2.0 / 11.0)]      // k = 1: (1 + 1) / (10 + 1)
    [InlineData(EmaWarmup.Ratio, 9, 0.5)]             // k = 8: 9 / 18
    [InlineData(EmaWarmup.Ratio, 200, 0.9)]           // 200 / 209 > 0.9: capped
    [InlineData(EmaWarmup.None, 1, 0.0)]
    [InlineData(EmaWarmup.None, 2, 0.9)]
    [InlineData(EmaWarmup.Power, 4, 0.5)]             // k = 3, γ = 1, p = 1/2: 1 - 4^-1/2
    [InlineData(EmaWarmup.Power, 100, 0.9)]           // 1 - 100^-1/2 = 0.9005 > 0.9: capped
    public void DecayFollowsTheWarmupRule(EmaWarmup warmup, long step, double expected)
    {
        using var probe = new Probe([0f, 0f], 0f, 0f);
        using var ema = new ExponentialMovingAverage(probe, decay: 0.9, warmup, invGamma: 1, power: 0.5);
        Assert.Equal(expected, ema.DecayAt(step), 12);
    }

    [Fact]
    public void UpdatesAverageTrainableWeightsAndCopyTheRest()
    {
        using var probe = new Probe([1f, 2f], 5f, 7f);
        using var ema = new ExponentialMovingAverage(probe, decay: 0.9, EmaWarmup.Ratio);

        probe.Set([3f, -1f], 6f, 8f);
        ema.Update(1); // decay 0: the shadow becomes the weights
        probe.Set([5f, 4f], 9f, 10f);
        ema.Update(2); // decay 2/11: s = 3 - (9/11)(3 - 5), -1 - (9/11)(-1 - 4)
        using var copy = new Probe([0f, 0f], 0f, 0f);
        ema.CopyTo(copy);
        Assert.Equal(3.0 + 18.0 / 11.0, copy.Weight[0], 5);
        Assert.Equal(-1.0 + 45.0 / 11.0, copy.Weight[1], 5);
        Assert.Equal(9f, copy.Frozen);
        Assert.Equal(10f, copy.Running);

        probe.Set([0f, 0f], 9f, 10f);
        ema.Update(200); // decay 0.9: s = 0.9 s
        ema.CopyTo(copy);
        Assert.Equal(0.9 * (3.0 + 18.0 / 11.0), copy.Weight[0], 5);
        Assert.Equal(0.9 * (-1.0 + 45.0 / 11.0), copy.Weight[1], 5);
        Assert.Equal(new[] { 0f, 0f }, probe.Weight); // the trained module is untouched
    }

    [Fact]
    public void StateDictRoundTripsAndUsesModuleKeys()
    {
        using var probe = new Probe([1f, 2f], 5f, 7f);
        using var ema = new ExponentialMovingAverage(probe, decay: 0.5, EmaWarmup.None);
        probe.Set([3f, 4f], 5f, 7f);
        ema.Update(2); // decay 0.5: (2, 3)
        var state = ema.StateDict();
        Assert.Equal(new[] { "weight", "frozen", "running" }, state.Keys.ToArray());

        using var other = new Probe([0f, 0f], 0f, 0f);
        using var restored = new ExponentialMovingAverage(other, decay: 0.5, EmaWarmup.None);
        restored.LoadStateDict(state);
        restored.CopyTo(other);
        Assert.Equal(new[] { 2f, 3f }, other.Weight);
        Assert.Equal(5f, other.Frozen);
    }

    [Fact]
    public void MismatchedStateNamesTheEntry()
    {
        using var probe = new Probe([1f, 2f], 5f, 7f);
        using var ema = new ExponentialMovingAverage(probe);
        using var wrong = tensor(new[] { 1f, 2f, 3f });
        var state = ema.StateDict().ToDictionary(e => e.Key, e => e.Value);
        state["weight"] = wrong;
        var error = Assert.Throws<ArgumentException>(() => ema.LoadStateDict(state));
        Assert.Contains("'weight'", error.Message);
        state.Remove("weight");
        Assert.Contains("'weight'", Assert.Throws<ArgumentException>(() => ema.LoadStateDict(state)).Message);
        Assert.Throws<ArgumentOutOfRangeException>("decay", () => new ExponentialMovingAverage(probe, decay: 1.5));
    }
}
