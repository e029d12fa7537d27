using DiffusionFramework.Core.Training;

namespace DiffusionFramework.Tests.Training;

/// <summary>The schedule against closed-form values of warm-up and half-cosine decay.</summary>
public class LearningRateScheduleTests
{
    private static readonly LearningRateSchedule Cosine = new(1e-3, WarmupSteps: 10, TotalSteps: 110);

    [Theory]
    [InlineData(0, 0.0)]
    [InlineData(1, 1e-4)]
    [InlineData(5, 5e-4)]
    [InlineData(9, 9e-4)]
    public void WarmupIsLinearFromZero(long step, double expected) =>
        Assert.Equal(expected, Cosine.At(step), 15);

    [Fact]
    public void CosineHitsPeakHalfAndZero()
    {
        Assert.Equal(1e-3, Cosine.At(10), 15);
        Assert.Equal(1e-3 * (0.5 + Math.Sqrt(2) / 4), Cosine.At(35), 15); // p = 1/4: ½(1 + cos π/4)
        Assert.Equal(0.5e-3, Cosine.At(60), 15);                          // p = 1/2
        Assert.Equal(1e-3 * (0.5 - Math.Sqrt(2) / 4), Cosine.At(85), 15); // p = 3/4
        Assert.Equal(0.0, Cosine.At(110), 15);
    }

    [Fact]
    public void CosineIsMonotoneAfterWarmup()
    {
        for (long s = 11; s <= 110; s++)
            Assert.True(Cosine.At(s) < Cosine.At(s - 1), $"step {s}");
    }

    [Fact]
    public void FloorLiftsTheCosineAndHoldsPastTheEnd()
    {
        var floored = Cosine with { MinLearningRate = 1e-4 };
        Assert.Equal(5e-4, floored.At(5), 15);                // warm-up is unaffected
        Assert.Equal(1e-4 + 9e-4 * 0.5, floored.At(60), 15);
        Assert.Equal(1e-4, floored.At(110), 15);
        Assert.Equal(1e-4, floored.At(500), 15);
        Assert.Equal(0.0, Cosine.At(500), 15);
    }

    [Fact]
    public void ConstantAfterWarmup()
    {
        var constant = Cosine with { Decay = LearningRateDecay.Constant };
        Assert.Equal(0.0, constant.At(0));
        Assert.Equal(3e-4, constant.At(3), 15);
        Assert.Equal(1e-3, constant.At(10));
        Assert.Equal(1e-3, constant.At(10_000));
    }

    [Fact]
    public void NoWarmupStartsAtPeak()
    {
        var schedule = new LearningRateSchedule(2e-4, WarmupSteps: 0, TotalSteps: 4);
        Assert.Equal(2e-4, schedule.At(0), 15);
        Assert.Equal(2e-4 * 0.5 * (1 + Math.Cos(Math.PI / 4)), schedule.At(1), 15);
        Assert.Equal(0.0, schedule.At(4), 15);
    }

    [Fact]
    public void BadValuesNameTheField()
    {
        Assert.Throws<ArgumentOutOfRangeException>("step", () => Cosine.At(-1));
        Assert.Throws<ArgumentOutOfRangeException>("MinLearningRate", () => (Cosine with { MinLearningRate = 2e-3 }).At(0));
        Assert.Throws<ArgumentOutOfRangeException>("PeakLearningRate", () => (Cosine with { PeakLearningRate = double.NaN }).At(0));
        Assert.Throws<ArgumentOutOfRangeException>("WarmupSteps", () => (Cosine with { WarmupSteps = -1 }).At(0));
    }
}
