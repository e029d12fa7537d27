using DiffusionFramework.Image.Data;
using TorchSharp;

namespace DiffusionFramework.Tests.Image;

public sealed class DigitsDataTests
{
    [Fact]
    public void SplitsPartitionTheSetAsDocumented()
    {
        using var scope = torch.NewDisposeScope();
        var (all, allLabels) = DigitsData.Load(DigitsSplit.All, torch.CPU);
        var (train, _) = DigitsData.Load(DigitsSplit.Train, torch.CPU);
        var (test, testLabels) = DigitsData.Load(DigitsSplit.Test, torch.CPU);

        Assert.Equal(new long[] { 1797, 1, 8, 8 }, all.shape);
        Assert.Equal(1348, train.shape[0]);
        Assert.Equal(449, test.shape[0]);
        Assert.True(test[0].eq(all[3]).all().item<bool>());
        Assert.Equal(allLabels[3].item<long>(), testLabels[0].item<long>());
    }

    [Fact]
    public void PixelsMapToMinusOneToOneAndEveryClassIsPresent()
    {
        using var scope = torch.NewDisposeScope();
        var (images, labels) = DigitsData.Load(DigitsSplit.All, torch.CPU);
        Assert.Equal(-1f, images.min().item<float>());
        Assert.Equal(1f, images.max().item<float>());
        // The first digit of the UCI file is a 0 whose first row reads 0,0,5,13,9,1,0,0.
        float[] firstRow = images[0, 0, 0].data<float>().ToArray();
        Assert.Equal(new[] { -1f, -1f, 5f / 8 - 1, 13f / 8 - 1, 9f / 8 - 1, 1f / 8 - 1, -1f, -1f }, firstRow);
        Assert.Equal(0, labels[0].item<long>());
        long[] perClass = torch.bincount(labels).data<long>().ToArray();
        Assert.Equal(10, perClass.Length);
        Assert.All(perClass, n => Assert.InRange(n, 174, 183));
    }
}
