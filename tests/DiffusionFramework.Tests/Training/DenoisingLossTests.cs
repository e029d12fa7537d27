using DiffusionFramework.Core.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionFramework.Tests.Training;

/// <summary>The masked, weighted MSE against sums done by hand.</summary>
public class DenoisingLossTests
{
    [Fact]
    public void PlainLossIsTheMeanSquaredError()
    {
        using var scope = NewDisposeScope();
        Tensor prediction = tensor(new float[] { 1, 2, 3, 4 }).reshape(2, 2);
        Tensor target = tensor(new float[] { 0, 0, 1, 1 }).reshape(2, 2);
        // (1 + 4 + 4 + 9) / 4
        Assert.Equal(4.5f, DenoisingLoss.Compute(prediction, target).item<float>());
    }

    [Fact]
    public void MaskAveragesOverRealElementsOnly()
    {
        using var scope = NewDisposeScope();
        // Two samples of 3 "atoms" with 2 coordinates; sample 0 has 2 real atoms, sample 1 has 1.
        Tensor prediction = tensor(new float[] { 1, 1, 2, 0, 99, 99, 3, 4, 99, 99, 99, 99 }).reshape(2, 3, 2);
        Tensor target = zeros(2, 3, 2);
        Tensor mask = tensor(new float[] { 1, 1, 0, 1, 0, 0 }).reshape(2, 3);
        // sample 0: (1 + 1 + 4 + 0) / 4 = 1.5; sample 1: (9 + 16) / 2 = 12.5; batch mean 7
        Assert.Equal(7f, DenoisingLoss.Compute(prediction, target, mask).item<float>(), 5);
        // weights 2 and 0.5: (3 + 6.25) / 2
        Tensor weights = tensor(new float[] { 2f, 0.5f });
        Assert.Equal(4.625f, DenoisingLoss.Compute(prediction, target, mask, weights).item<float>(), 5);
    }

    [Fact]
    public void PaddingGetsNoGradientAndAnEmptySampleCountsZero()
    {
        using var scope = NewDisposeScope();
        Tensor prediction = tensor(new float[] { 1, 5, 7, 7 }).reshape(2, 2).requires_grad_();
        Tensor mask = tensor(new[] { true, false, false, false }).reshape(2, 2);
        Tensor loss = DenoisingLoss.Compute(prediction, zeros(2, 2), mask);
        Assert.Equal(0.5f, loss.item<float>()); // (1 / 1 + 0) / 2
        loss.backward();
        // d/dp of ½ (p0²) = p0; padded elements get exactly zero.
        Assert.Equal(new float[] { 1, 0, 0, 0 }, prediction.grad!.data<float>().ToArray());
    }

    [Fact]
    public void WeightsWithoutMaskScalePerSampleMeans()
    {
        using var scope = NewDisposeScope();
        Tensor prediction = tensor(new float[] { 1, 3, 2, 2 }).reshape(2, 2);
        // per-sample means 5 and 4; weights 1 and 3: (5 + 12) / 2
        Assert.Equal(8.5f, DenoisingLoss.Compute(prediction, zeros(2, 2), weights: tensor(new float[] { 1, 3 })).item<float>());
    }

    [Fact]
    public void MismatchedShapesAreNamed()
    {
        using var scope = NewDisposeScope();
        var error = Assert.Throws<ArgumentException>(() => DenoisingLoss.Compute(zeros(2, 3), zeros(2, 4)));
        Assert.Contains("[2, 3]", error.Message);
        error = Assert.Throws<ArgumentException>(() => DenoisingLoss.Compute(zeros(2, 3), zeros(2, 3), mask: ones(3)));
        Assert.Contains("mask shape [3]", error.Message);
    }
}
