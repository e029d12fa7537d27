using DiffusionFramework.Core.Schedules;

namespace DiffusionFramework.Tests.Schedules;

/// <summary>Timestep spacing rules of diffusers' set_timesteps (the reference sampling tests cover T = 1000, n = 10, 25).</summary>
public class TimestepSpacingTests
{
    [Fact]
    public void LeadingIsMultiplesOfTheRatioPlusTheOffset() =>
        Assert.Equal([901L, 801, 701, 601, 501, 401, 301, 201, 101, 1], TimestepSpacing.Compute("leading", 1000, 10, 1));

    /// <summary>np.round(np.arange(1000, 0, -1000/7)) - 1: 1000, 857.14, 714.29, 571.43, 428.57, 285.71, 142.86.</summary>
    [Fact]
    public void TrailingRoundsTheFloatRangeAndEndsOneBelowT() =>
        Assert.Equal([999L, 856, 713, 570, 428, 285, 142], TimestepSpacing.Compute("trailing", 1000, 7, 5));

    /// <summary>linspace(0, 9, 3) = 0, 4.5, 9: numpy rounds half to even, so 4.5 → 4; steps_offset does not apply.</summary>
    [Fact]
    public void LinspaceRoundsHalfToEven() =>
        Assert.Equal([9L, 4, 0], TimestepSpacing.Compute("linspace", 10, 3, 1));

    [Fact]
    public void OneStepAndAllSteps()
    {
        Assert.Equal([0L], TimestepSpacing.Compute("leading", 1000, 1));
        Assert.Equal([999L], TimestepSpacing.Compute("trailing", 1000, 1));
        Assert.Equal([0L], TimestepSpacing.Compute("linspace", 1000, 1));
        Assert.Equal(Enumerable.Range(0, 1000).Reverse().Select(i => (long)i), TimestepSpacing.Compute("trailing", 1000, 1000));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(1001)]
    public void RejectsStepCountsOutsideOneToT(int steps)
    {
        var e = Assert.Throws<ArgumentException>(() => TimestepSpacing.Compute("leading", 1000, steps));
        Assert.Contains("1 .. 1000", e.Message);
    }

    [Fact]
    public void RejectsUnknownSpacing()
    {
        var e = Assert.Throws<ArgumentException>(() => TimestepSpacing.Compute("karras", 1000, 10));
        Assert.Contains("\"trailing\"", e.Message);
    }

    [Fact]
    public void NumpyHelpersFollowNumpy()
    {
        Assert.Equal([0.0, 0.25, 0.5, 0.75, 1.0], TimestepSpacing.NumpyLinspace(0, 1, 5));
        Assert.Equal([3.0], TimestepSpacing.NumpyLinspace(3, 7, 1));
        Assert.Equal([10.0, 7.5, 5.0, 2.5], TimestepSpacing.NumpyArange(10, 0, -2.5));
        Assert.Empty(TimestepSpacing.NumpyArange(0, 10, -1));
    }
}
