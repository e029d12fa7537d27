using DiffusionFramework.Core.Metrics;
using static TorchSharp.torch;

namespace DiffusionFramework.Tests.Metrics;

/// <summary>
/// <see cref="FrechetDistance"/> against closed forms (1-D and diagonal Gaussians, built from point sets whose sample
/// mean and unbiased covariance are exact) and against scipy's <c>sqrtm</c>-based FID (pytorch-fid's formula).
/// </summary>
public class FrechetDistanceTests
{
    // Zero-mean columns with unbiased variance 1: [-1, 0, 1] has Σz² = 2 over N - 1 = 2.
    private static readonly double[] Z3 = [-1, 0, 1];

    // [-3, -1, 1, 3] / √(20 / 3): zero mean, Σz² = 3 = N - 1.
    private static readonly double[] Z4 = [-3 / Math.Sqrt(20.0 / 3), -1 / Math.Sqrt(20.0 / 3), 1 / Math.Sqrt(20.0 / 3), 3 / Math.Sqrt(20.0 / 3)];

    [Fact]
    public void OneDimensionalGaussiansGiveSquaredMeanPlusSquaredStdDifference()
    {
        using Tensor a = tensor(Z3.Select(z => 0.5 + 2.0 * z).ToArray(), [3, 1]);
        using Tensor b = tensor(Z4.Select(z => -1.0 + 0.5 * z).ToArray(), [4, 1]);
        // (m1 - m2)² + (s1 - s2)² = 1.5² + 1.5².
        Assert.Equal(4.5, FrechetDistance.Compute(a, b), 10);
    }

    [Fact]
    public void DiagonalCovariancesGiveSumOverAxes()
    {
        // Rows of a 4x4 Hadamard matrix without the constant one: zero-mean, mutually orthogonal columns with
        // Σz² = 4, so the unbiased covariance of (μ + z·diag(s)) is exactly diag(s² · 4/3).
        double[,] h = { { 1, 1, 1 }, { -1, 1, -1 }, { 1, -1, -1 }, { -1, -1, 1 } };
        double[] meanA = [1, -2, 0.5], stdA = [1, 2, 3], meanB = [0, 0, 1], stdB = [2, 0.5, 3];
        using Tensor a = Build(h, meanA, stdA);
        using Tensor b = Build(h, meanB, stdB);
        double scale = Math.Sqrt(4.0 / 3);
        double expected = Enumerable.Range(0, 3).Sum(i =>
            Math.Pow(meanA[i] - meanB[i], 2) + Math.Pow(scale * stdA[i] - scale * stdB[i], 2));
        Assert.Equal(expected, FrechetDistance.Compute(a, b), 10);
    }

    [Fact]
    public void IdenticalSetsAreAtDistanceZero()
    {
        using var generator = new Generator(7);
        using Tensor a = randn([200, 16], generator: generator);
        Assert.Equal(0, FrechetDistance.Compute(a, a), 8);
    }

    [Fact]
    public void DoesNotDependOnSampleOrderOrFeatureRotation()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(11);
        Tensor a = randn([100, 8], generator: generator);
        Tensor b = randn([80, 8], generator: generator) * 1.5 + 0.3;
        double d = FrechetDistance.Compute(a, b);
        Tensor permutation = randperm(100, generator: generator);
        Assert.Equal(d, FrechetDistance.Compute(a.index_select(0, permutation), b), 8);
        // An orthogonal change of feature basis applied to both sets leaves the Gaussians' distance unchanged.
        Tensor q = linalg.qr(randn([8, 8], generator: generator)).Q;
        Assert.Equal(d, FrechetDistance.Compute(a.matmul(q), b.matmul(q)), 5);
        Assert.True(d > 1, $"the sets differ in mean and scale, yet d = {d}");
    }

    [Fact]
    public void MatchesScipySqrtmFid()
    {
        // Expected values from /usr/bin/python3 (numpy 1.24.2, scipy 1.10.1), pytorch-fid's formula:
        //   s1, s2 = np.cov(A, rowvar=False), np.cov(B, rowvar=False)
        //   covmean = scipy.linalg.sqrtm(s1 @ s2, disp=False)[0].real
        //   ((A.mean(0) - B.mean(0))**2).sum() + np.trace(s1) + np.trace(s2) - 2 * np.trace(covmean)
        double[,] a = { { 0.5, -1.0, 2.0 }, { 1.5, 0.0, 1.0 }, { -0.5, 2.0, 0.0 }, { 2.0, 1.0, -1.0 }, { 0.0, -2.0, 1.5 }, { 1.0, 0.5, 0.5 } };
        double[,] b = { { 1.0, 0.0, -1.0 }, { 3.0, -1.0, 0.5 }, { 0.0, 1.0, 2.0 }, { -1.0, 0.5, 1.0 }, { 2.5, 2.0, 0.0 } };
        using Tensor ta = tensor(a), tb = tensor(b);
        Assert.Equal(1.7266106506904526, FrechetDistance.Compute(ta, tb), 10);
    }

    [Fact]
    public void MatchesScipyWhenCovariancesAreSingular()
    {
        // N < D, as for few samples in a wide feature space; same scipy recipe as above. sqrtm and the eigenvalue route
        // differ by ~1e-8 here (square roots of round-off-sized eigenvalues), hence the looser tolerance.
        double[,] a =
        {
            { 0.2, -1.3, 0.7, 2.0, -0.4, 1.1 }, { 1.5, 0.3, -0.8, 0.0, 0.9, -1.2 },
            { -0.6, 1.8, 0.4, -1.5, 0.2, 0.5 }, { 0.9, -0.2, 1.6, 0.8, -1.1, 0.0 },
        };
        double[,] b =
        {
            { 1.0, 0.4, -0.3, 0.6, 1.2, -0.7 }, { -0.8, 1.1, 0.9, -0.2, 0.0, 1.4 }, { 0.3, -1.6, 0.2, 1.3, -0.5, 0.8 },
            { 2.1, 0.7, -1.0, -0.9, 0.6, 0.1 }, { -0.4, 0.0, 1.5, 0.4, -1.3, -0.6 },
        };
        using Tensor ta = tensor(a), tb = tensor(b);
        Assert.Equal(2.1255682080330267, FrechetDistance.Compute(ta, tb), 6);
    }

    [Fact]
    public void CachedStatisticsGiveTheSameDistance()
    {
        using var generator = new Generator(3);
        using Tensor a = randn([50, 4], generator: generator), b = randn([60, 4], generator: generator) + 1;
        using GaussianStatistics sa = FrechetDistance.Statistics(a), sb = FrechetDistance.Statistics(b);
        Assert.Equal(50, sa.Count);
        Assert.Equal(float64, sa.Covariance.dtype);
        Assert.Equal(FrechetDistance.Compute(a, b), FrechetDistance.Compute(sa, sb), 12);
    }

    [Fact]
    public void RejectsTooFewRowsMismatchedWidthsAndNonFiniteValues()
    {
        using Tensor one = zeros(1, 3), two = zeros(2, 3), wide = zeros(2, 4), flat = zeros(6);
        using Tensor nan = full(2, 3, double.NaN);
        Assert.Contains("N >= 2", Assert.Throws<ArgumentException>(() => FrechetDistance.Compute(one, two)).Message);
        Assert.Contains("[6]", Assert.Throws<ArgumentException>(() => FrechetDistance.Compute(flat, two)).Message);
        Assert.Contains("3 and 4", Assert.Throws<ArgumentException>(() => FrechetDistance.Compute(two, wide)).Message);
        Assert.Contains("NaN", Assert.Throws<ArgumentException>(() => FrechetDistance.Compute(nan, two)).Message);
    }

    private static Tensor Build(double[,] z, double[] mean, double[] std)
    {
        int n = z.GetLength(0), d = z.GetLength(1);
        var values = new double[n, d];
        for (int r = 0; r < n; r++)
            for (int c = 0; c < d; c++)
                values[r, c] = mean[c] + std[c] * z[r, c];
        return tensor(values);
    }
}
