using DiffusionFramework.Abstractions;
using DiffusionFramework.Image.Data;
using DiffusionFramework.Image.Evaluation;
using static TorchSharp.torch;

namespace DiffusionFramework.Tests.Image.Evaluation;

/// <summary>The digits metrics on real digits, permuted labels and noise.</summary>
public class DigitsMetricsTests
{
    private static readonly IReadOnlyList<IMetric> Metrics = DigitsMetrics.Create(CPU);

    private static IMetric Metric(string name) => Metrics.Single(m => m.Name == name);

    [Fact]
    public void FourMetricsWithTheirDirections()
    {
        Assert.Equal([DigitsMetrics.Accuracy, DigitsMetrics.Confidence, DigitsMetrics.Balance, DigitsMetrics.Fid],
            Metrics.Select(m => m.Name));
        Assert.Equal([true, true, true, false], Metrics.Select(m => m.HigherIsBetter));
    }

    [Fact]
    public void AccuracyIsHighForTrueLabelsAndNearChanceForPermutedOnes()
    {
        var (images, labels) = DigitsData.Load(DigitsSplit.Test, CPU);
        using var scope = NewDisposeScope();
        using var generator = new Generator(1);
        IMetric accuracy = Metric(DigitsMetrics.Accuracy);
        Assert.True(accuracy.Compute(images, new Conditioning { ClassLabels = labels }, null) >= 0.97);
        Tensor permuted = labels.index_select(0, randperm(labels.shape[0], generator: generator));
        double chance = accuracy.Compute(images, new Conditioning { ClassLabels = permuted }, null);
        Assert.InRange(chance, 0.03, 0.2);
    }

    [Fact]
    public void AccuracyIsNaNWithoutLabelsOrWhenTheyWereDropped()
    {
        var (images, labels) = DigitsData.Load(DigitsSplit.Test, CPU);
        using var scope = NewDisposeScope();
        IMetric accuracy = Metric(DigitsMetrics.Accuracy);
        Assert.True(double.IsNaN(accuracy.Compute(images, Conditioning.None, null)));
        Assert.True(double.IsNaN(accuracy.Compute(images, new Conditioning { ClassLabels = labels, DropCondition = true }, null)));
        Assert.Throws<ArgumentException>(() => accuracy.Compute(images, new Conditioning { ClassLabels = labels[..10] }, null));
    }

    [Fact]
    public void RealDigitsAreConfidentAndBalancedNoiseIsNot()
    {
        var (images, _) = DigitsData.Load(DigitsSplit.Test, CPU);
        using var scope = NewDisposeScope();
        using var generator = new Generator(2);
        Tensor blank = full(449, 1, 8, 8, -1f);
        Assert.True(Metric(DigitsMetrics.Confidence).Compute(images, Conditioning.None, null) > 0.95);
        Assert.True(Metric(DigitsMetrics.Balance).Compute(images, Conditioning.None, null) > 0.99);
        // A blank image is one image: every copy gets the same class.
        Assert.Equal(0, Metric(DigitsMetrics.Balance).Compute(blank, Conditioning.None, null), 12);
        Assert.Throws<ArgumentException>(() => Metric(DigitsMetrics.Confidence).Compute(zeros(4, 1, 16, 16), Conditioning.None, null));
    }

    [Fact]
    public void FidOfRealTrainDigitsIsFarBelowThatOfNoise()
    {
        var (train, _) = DigitsData.Load(DigitsSplit.Train, CPU);
        using var scope = NewDisposeScope();
        using var generator = new Generator(3);
        IMetric fid = Metric(DigitsMetrics.Fid);
        double real = fid.Compute(train, Conditioning.None, null);
        double noise = fid.Compute(randn([449, 1, 8, 8], generator: generator), Conditioning.None, null);
        Assert.True(real < 0.05 * noise, $"FID train-vs-test {real:G4} is not far below noise-vs-test {noise:G4}");
    }
}
