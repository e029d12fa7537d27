using DiffusionFramework.Image.Evaluation;

namespace DiffusionFramework.Tests.Image;

public sealed class PairedGainTests
{
    [Fact]
    public void MeanHalfWidthAndWinsOfThePairedDifferences()
    {
        // d = [2, 4, 6, 0]: mean 3, sample variance (1 + 1 + 9 + 9) / 3 = 20/3, half-width 1.96 · sqrt(20/3 / 4);
        // the tie (d = 0) is no win.
        PairedGain gain = PairedGain.Of([3, 5, 7, 1], [1, 1, 1, 1]);
        Assert.Equal(3, gain.Mean, 12);
        Assert.Equal(1.96 * Math.Sqrt(20.0 / 3 / 4), gain.HalfWidth95, 12);
        Assert.Equal(0.75, gain.WinFraction);
        Assert.True(double.IsNaN(PairedGain.Of([2], [1]).HalfWidth95));
        Assert.Throws<ArgumentException>(() => PairedGain.Of([1, 2], [1]));
    }
}
