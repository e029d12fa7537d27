using Points2d.Distributions;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionFramework.Tests.Points2d;

/// <summary>The toy distributions have the statistics their definitions imply.</summary>
public class DistributionTests
{
    private const long N = 100_000;

    private static Tensor Draw(IToyDistribution distribution, ulong seed = 1)
    {
        using var generator = new Generator(seed, CPU);
        return distribution.Sample(N, CPU, generator);
    }

    [Fact]
    public void TwoMoonsHasZeroMeanAndTheAnalyticVariances()
    {
        using var scope = NewDisposeScope();
        Tensor p = Draw(new TwoMoons());
        Assert.Equal([N, 2], p.shape);
        Assert.Equal(float32, p.dtype);
        double noise = TwoMoons.NoiseStd * TwoMoons.NoiseStd;
        Tensor mean = p.mean([0]), variance = p.var(0);
        Assert.InRange(mean[0].item<float>(), -0.01, 0.01);
        Assert.InRange(mean[1].item<float>(), -0.01, 0.01);
        // x: ½ (cos θ) + ½ (1 − cos θ) about ∓½: variance ½ + ¼. y: ½ − 4/π² + (2/π − ¼)².
        Assert.Equal(0.75 + noise, variance[0].item<float>(), 0.01);
        Assert.Equal(0.5 - 4 / (Math.PI * Math.PI) + Math.Pow(2 / Math.PI - 0.25, 2) + noise, variance[1].item<float>(), 0.005);
    }

    [Fact]
    public void TwoMoonsPointsLieOnTheTwoUnitHalfCircles()
    {
        using var scope = NewDisposeScope();
        Tensor p = Draw(new TwoMoons());
        // Upper moon: centre (0, 0) − (½, ¼), y above it; lower moon: centre (1, ½) − (½, ¼), y below it.
        Tensor upper = ((p - tensor(new float[] { -0.5f, -0.25f })).norm(1) - 1).abs();
        Tensor lower = ((p - tensor(new float[] { 0.5f, 0.25f })).norm(1) - 1).abs();
        Tensor distance = minimum(upper, lower);
        Assert.InRange(distance.mean().item<float>(), 0.02, 0.06);     // E|N(0, 0.05²)| ≈ 0.04
        Assert.True(distance.max().item<float>() < 0.4);
        Assert.InRange(p[.., 0].min().item<float>(), -1.8, -1.4);
        Assert.InRange(p[.., 0].max().item<float>(), 1.4, 1.8);
        Assert.InRange(p[.., 1].min().item<float>(), -1.0, -0.7);
        Assert.InRange(p[.., 1].max().item<float>(), 0.7, 1.0);
    }

    [Fact]
    public void EightGaussiansHasEightEqualClustersOnTheCircle()
    {
        using var scope = NewDisposeScope();
        Tensor p = Draw(new EightGaussians());
        double[] angles = Enumerable.Range(0, 8).Select(k => k * Math.PI / 4).ToArray();
        Tensor centres = tensor(angles.SelectMany(a => new[] { (float)(Math.Sqrt(2) * Math.Cos(a)), (float)(Math.Sqrt(2) * Math.Sin(a)) }).ToArray(), [8, 2]);
        Tensor distances = cdist(p, centres);
        (Tensor nearest, Tensor cluster) = distances.min(1);
        long[] counts = bincount(cluster, minlength: 8).data<long>().ToArray();
        Assert.Equal(8, counts.Length);
        Assert.All(counts, c => Assert.InRange(c, N / 8 * 0.95, N / 8 * 1.05));
        // Squared distance to the own centre is σ² χ²₂: mean 2σ², σ = 0.02·2/√2.
        double sigma = 0.02 * 2 / Math.Sqrt(2);
        Assert.Equal(2 * sigma * sigma, nearest.square().mean().item<float>(), 2e-4);
        Assert.True(nearest.max().item<float>() < 8 * sigma);
        Assert.Equal(Math.Sqrt(2), p.norm(1).mean().item<float>(), 0.005);
    }

    [Fact]
    public void SwissRollPointsFollowTheSpiralWithUniformParameter()
    {
        using var scope = NewDisposeScope();
        Tensor p = Draw(new SwissRoll()) * SwissRoll.Scale;
        // Each point is (t cos t, t sin t) + N(0, 0.25² I). On the spiral r = t the arms are 2π apart, so t is the
        // point's angle plus the multiple of 2π closest to its radius.
        Tensor phi = atan2(p[.., 1], p[.., 0]);
        Tensor t = phi + 2 * Math.PI * ((p.norm(1) - phi) / (2 * Math.PI)).round();
        Tensor residual = (p - stack([t * cos(t), t * sin(t)], 1)).norm(1);
        // Tangential noise slides the point along the arm, so the residual is about the radial noise: E|N(0, σ²)| = σ √(2/π).
        Assert.Equal(SwissRoll.NoiseStd * Math.Sqrt(2 / Math.PI), residual.mean().item<float>(), 0.01);
        Assert.InRange(t.min().item<float>(), SwissRoll.TMin - 1, SwissRoll.TMin + 0.01);
        Assert.InRange(t.max().item<float>(), SwissRoll.TMax - 0.01, SwissRoll.TMax + 1);
        Assert.Equal(3 * Math.PI, t.mean().item<float>(), 0.05);
        double lowerHalf = (t < 3 * Math.PI).to(float32).mean().item<float>();
        Assert.Equal(0.5, lowerHalf, 0.01);
    }

    [Fact]
    public void TheSameSeedGivesTheSamePointsAndAnotherSeedDoesNot()
    {
        using var scope = NewDisposeScope();
        foreach (IToyDistribution distribution in ToyDistributions.All)
        {
            Assert.True(Draw(distribution, 7).eq(Draw(distribution, 7)).all().item<bool>(), distribution.Name);
            Assert.False(Draw(distribution, 7).allclose(Draw(distribution, 8)), distribution.Name);
        }
    }

    [Fact]
    public void ACpuGeneratorDrawsOnTheCpuAndTheResultMovesToTheRequestedDevice()
    {
        using var scope = NewDisposeScope();
        // The meta device has shapes but no storage: a tensor there proves the move, a CPU generator proves the draw.
        var meta = new Device(DeviceType.META);
        foreach (IToyDistribution distribution in ToyDistributions.All)
        {
            using var generator = new Generator(3, CPU);
            Tensor points = distribution.Sample(10, meta, generator);
            Assert.Equal(DeviceType.META, points.device_type);
            Assert.Equal([10L, 2], points.shape);
        }
    }

    [Fact]
    public void LookupByNameAndUnknownNamesListTheValidOnes()
    {
        Assert.IsType<TwoMoons>(ToyDistributions.Get("two_moons"));
        Assert.IsType<EightGaussians>(ToyDistributions.Get("8gaussians"));
        Assert.IsType<SwissRoll>(ToyDistributions.Get("swiss_roll"));
        var error = Assert.Throws<ArgumentException>(() => ToyDistributions.Get("checkerboard"));
        Assert.Contains("checkerboard", error.Message);
        Assert.Contains("two_moons, 8gaussians, swiss_roll", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new TwoMoons().Sample(0, CPU, null));
    }
}
