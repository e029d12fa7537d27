using DiffusionFramework.Abstractions;
using Points2d.Distributions;
using Points2d.Metrics;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace DiffusionFramework.Tests.Points2d;

/// <summary>Sliced Wasserstein and MMD against analytic values.</summary>
public class MetricTests(ITestOutputHelper output)
{
    private static Tensor Gaussian(long n, double std, double dx, double dy, Generator generator) =>
        randn([n, 2], generator: generator) * std + tensor(new[] { (float)dx, (float)dy });

    [Fact]
    public void SlicedWassersteinOfAShiftedGaussianMatchesTheAnalyticValue()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(3, CPU);
        Tensor a = Gaussian(4000, 1, 0, 0, generator);
        Tensor b = Gaussian(4000, 1, 0.6, 0.8, generator);
        // Projections of N(0, I) and N(d, I) on θ differ by the shift d·θ = |d| cos φ, so W_p = |d| |cos φ|:
        // SW_1 = |d| E|cos φ| = 2|d|/π and SW_2 = |d| (E cos² φ)^½ = |d|/√2, here with |d| = 1.
        // Tolerance: Monte Carlo over 2000 directions (σ ≈ 0.007) plus the empirical W_1 of 4000 points (≈ 0.015).
        Assert.Equal(2 / Math.PI, SlicedWasserstein.Distance(a, b, 2000, 1, generator), 0.04);
        Assert.Equal(1 / Math.Sqrt(2), SlicedWasserstein.Distance(a, b, 2000, 2, generator), 0.04);
    }

    [Fact]
    public void SlicedWassersteinIsExactlyZeroForTheSamePointsInAnyOrder()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(4, CPU);
        Tensor a = new TwoMoons().Sample(1000, CPU, generator);
        Tensor shuffled = a.index_select(0, randperm(1000, generator: generator));
        Assert.Equal(0.0, SlicedWasserstein.Distance(a, shuffled, 64, 1, generator));
        Assert.Equal(0.0, SlicedWasserstein.Distance(a, shuffled, 64, 2, generator));
    }

    [Fact]
    public void SlicedWassersteinOfARigidShiftIsTheMeanProjectedShift()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(5, CPU);
        Tensor a = new SwissRoll().Sample(200, CPU, generator);
        // Every projected pair differs by d·θ exactly, whatever the data: SW_1 → 2|d|/π for many directions.
        Tensor b = a + tensor(new[] { 0.3f, -0.4f });
        Assert.Equal(2 * 0.5 / Math.PI, SlicedWasserstein.Distance(a, b, 20_000, 1, generator), 0.005);
    }

    [Fact]
    public void MetricIsSmallForTheTrueDistributionAndLargeForNoiseOrShifts()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(6, CPU);
        foreach (IToyDistribution distribution in ToyDistributions.All)
        {
            var metric = new SlicedWassersteinMetric(distribution);
            Assert.False(metric.HigherIsBetter);
            Assert.Equal($"sliced_wasserstein_{distribution.Name}", metric.Name);
            Tensor same = distribution.Sample(10_000, CPU, generator);
            double own = metric.Compute(same, Conditioning.None, generator);
            double noise = metric.Compute(randn([10_000, 2], generator: generator), Conditioning.None, generator);
            double shifted = metric.Compute(same + tensor(new[] { 0.5f, 0f }), Conditioning.None, generator);
            output.WriteLine($"{distribution.Name}: own {own:F4}, noise {noise:F4}, shifted {shifted:F4}");
            Assert.True(own < 0.035, $"{distribution.Name}: SW1 of a fresh sample {own}");
            Assert.True(noise > 8 * own, $"{distribution.Name}: noise {noise} vs own {own}");
            // A shift by 0.5 along x moves each projection by 0.5 |cos φ|: SW_1 = 1/π up to sampling error.
            Assert.InRange(shifted, 1 / Math.PI - 0.04, 1 / Math.PI + 0.04);
        }
    }

    [Fact]
    public void UnbiasedMmdOfTwoGaussiansMatchesTheClosedForm()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(7, CPU);
        const double s = 0.5, sigma = 1.0, shift = 0.5;
        Tensor x = Gaussian(2000, s, 0, 0, generator);
        Tensor y = Gaussian(2000, s, shift, 0, generator);
        // In 2-D, E exp(−|z|²/(2σ²)) for z ~ N(μ, 2s² I) is c·exp(−|μ|²/(2(σ² + 2s²))), c = σ²/(σ² + 2s²), so
        // MMD² = 2c (1 − exp(−|d|²/(2(σ² + 2s²)))).
        double c = sigma * sigma / (sigma * sigma + 2 * s * s);
        double expected = 2 * c * (1 - Math.Exp(-shift * shift / (2 * (sigma * sigma + 2 * s * s))));
        Assert.Equal(expected, MaximumMeanDiscrepancy.Squared(x, y, [sigma]), 0.01);
        Tensor x2 = Gaussian(2000, s, 0, 0, generator);
        Assert.Equal(0.0, MaximumMeanDiscrepancy.Squared(x, x2, [sigma]), 0.003);
    }

    [Fact]
    public void MmdMetricSeparatesTheDistributionFromNoise()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(8, CPU);
        var metric = new MmdMetric(new EightGaussians());
        Assert.False(metric.HigherIsBetter);
        double own = metric.Compute(new EightGaussians().Sample(5000, CPU, generator), Conditioning.None, generator);
        double noise = metric.Compute(randn([5000, 2], generator: generator), Conditioning.None, generator);
        Assert.True(Math.Abs(own) < 0.01, $"own {own}");
        Assert.True(noise > 0.1, $"noise {noise}");
    }

    [Fact]
    public void BadShapesAreRejected()
    {
        using var scope = NewDisposeScope();
        var metric = new SlicedWassersteinMetric(new TwoMoons());
        Assert.Throws<ArgumentException>(() => metric.Compute(zeros(10, 3), Conditioning.None, null));
        Assert.Throws<ArgumentException>(() => SlicedWasserstein.Distance(zeros(10, 2), zeros(11, 2), 8, 1, null));
        Assert.Throws<ArgumentOutOfRangeException>(() => SlicedWasserstein.Distance(zeros(10, 2), zeros(10, 2), 8, 3, null));
    }
}
