using DiffusionFramework.Core.Schedules;

namespace DiffusionFramework.Tests.Schedules;

/// <summary>The Beta quantiles behind <c>use_beta_sigmas</c> against <c>scipy.stats.beta.ppf</c> (scipy 1.10.1,
/// Boost's ibeta_inv), values printed with repr.</summary>
public class BetaDistributionTests
{
    [Theory]
    [InlineData(1e-12, 0.6, 0.6, 1.8558824624914097e-20)]
    [InlineData(1e-06, 0.6, 0.6, 1.8558824624053043e-10)]
    [InlineData(0.01, 0.6, 0.6, 0.0008612388215429059)]
    [InlineData(0.1, 0.6, 0.6, 0.03958440558878085)]
    [InlineData(0.25, 0.6, 0.6, 0.17568037865269498)]
    [InlineData(0.3333333333333333, 0.6, 0.6, 0.2754132907776234)]
    [InlineData(0.5, 0.6, 0.6, 0.5000000000000001)]
    [InlineData(0.75, 0.6, 0.6, 0.824319621347305)]
    [InlineData(0.9, 0.6, 0.6, 0.9604155944112192)]
    [InlineData(0.99, 0.6, 0.6, 0.9991387611784571)]
    [InlineData(0.999999, 0.6, 0.6, 0.9999999998144118)]
    [InlineData(0.3, 2.5, 0.7, 0.7097758912148804)]
    public void QuantileMatchesScipy(double p, double a, double b, double expected)
    {
        double x = BetaDistribution.Quantile(p, a, b);
        Assert.True(Math.Abs(x - expected) <= 1e-14 * expected, $"ppf({p}) = {x:R}, scipy {expected:R}");
        Assert.Equal(p, BetaDistribution.Cdf(x, a, b), p * 1e-12);
    }

    [Fact]
    public void BetaSigmasRunFromMaxToMin()
    {
        double[] sigmas = SigmaSpacing.BetaSigmas(5, 0.1, 0.9);
        Assert.Equal(0.9, sigmas[0]);
        Assert.Equal(0.1, sigmas[^1]);
        Assert.Equal(0.5, sigmas[2], 1e-15);
        Assert.Throws<ArgumentOutOfRangeException>(() => BetaDistribution.Quantile(1.5, 0.6, 0.6));
    }
}
