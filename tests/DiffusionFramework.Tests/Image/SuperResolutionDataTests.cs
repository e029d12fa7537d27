using DiffusionFramework.Abstractions;
using DiffusionFramework.Image.Codec;
using DiffusionFramework.Image.SuperResolution;
using TorchSharp;

namespace DiffusionFramework.Tests.Image;

public sealed class SuperResolutionDataTests
{
    [Fact]
    public void DownscaleAveragesBlocks()
    {
        using var scope = torch.NewDisposeScope();
        torch.Tensor x = torch.arange(16, dtype: torch.float32).reshape(1, 1, 4, 4);
        // Blocks {0,1,4,5} {2,3,6,7} {8,9,12,13} {10,11,14,15} average to 2.5, 4.5, 10.5, 12.5.
        Assert.Equal(new[] { 2.5f, 4.5f, 10.5f, 12.5f }, LowResContext.Downscale(x, 2).data<float>().ToArray());
        Assert.Throws<ArgumentException>(() => LowResContext.Downscale(torch.zeros(1, 1, 5, 4), 2));
    }

    [Fact]
    public void BicubicUpsampleKeepsConstantsAndLinearRampsAwayFromTheBorder()
    {
        using var scope = torch.NewDisposeScope();
        torch.Tensor flat = torch.full(1, 3, 4, 4, 0.25f);
        Assert.True(LowResContext.Upsample(flat, 3).allclose(torch.full(1, 3, 12, 12, 0.25f), atol: 1e-6));

        // Cubic convolution (Keys 1981) with PyTorch's a = -0.75 and half-pixel centres, border samples repeated:
        // output column u samples low-res position src = (u + 0.5) / 2 - 0.5 with weights W(src - j) of the four
        // nearest columns j.
        float[] lowRes = [0.1f, 0.7f, -0.2f, 0.4f, 0.9f, -0.6f, 0.0f, 0.3f];
        torch.Tensor image = torch.tensor(lowRes).reshape(1, 1, 1, 8).expand(1, 1, 8, 8);
        float[] row = LowResContext.Upsample(image, 2)[0, 0, 8].data<float>().ToArray();
        for (int u = 0; u < 16; u++)
        {
            double src = (u + 0.5) / 2 - 0.5;
            int j0 = (int)Math.Floor(src);
            double expected = 0;
            for (int j = j0 - 1; j <= j0 + 2; j++)
                expected += KeysWeight(src - j, -0.75) * lowRes[Math.Clamp(j, 0, 7)];
            Assert.Equal(Math.Clamp(expected, -1, 1), row[u], 5);
        }
    }

    /// <summary>The cubic convolution kernel W(x) of Keys (1981), eq. (15), with parameter a.</summary>
    private static double KeysWeight(double x, double a)
    {
        x = Math.Abs(x);
        return x <= 1 ? (a + 2) * x * x * x - (a + 3) * x * x + 1
            : x < 2 ? a * x * x * x - 5 * a * x * x + 8 * a * x - 4 * a
            : 0;
    }

    [Fact]
    public void UpsampleClampsOvershootToTheDataRange()
    {
        using var scope = torch.NewDisposeScope();
        torch.Tensor edge = torch.tensor(new float[] { -1, -1, 1, 1 }).reshape(1, 1, 1, 4).expand(1, 1, 4, 4);
        torch.Tensor up = LowResContext.Upsample(edge, 4);
        Assert.Equal(-1f, up.min().item<float>());
        Assert.Equal(1f, up.max().item<float>());
    }

    [Fact]
    public void PatchesAreSeededDeterministicAndCarryTheirLowResContext()
    {
        var photos = new[]
        {
            new PixelImage(20, 12, 3, TestImageFiles.Pattern(20 * 12 * 3, 7, 1)),
            new PixelImage(16, 16, 3, TestImageFiles.Pattern(16 * 16 * 3, 13, 5)),
        };
        using var dataset = new PatchDataset("photos", photos, patch: 8, scale: 2, patchesPerImage: 5, seed: 42);
        using var other = new PatchDataset("photos", photos, patch: 8, scale: 2, patchesPerImage: 5, seed: 43);
        using var scope = torch.NewDisposeScope();

        Assert.Equal(10, dataset.Count);
        DataBatch batch = dataset.GetBatch([3, 0, 7], torch.CPU);
        DataBatch reversed = dataset.GetBatch([7, 0, 3], torch.CPU);

        Assert.Equal(new long[] { 3, 3, 8, 8 }, batch.X0.shape);
        Assert.True(Same(batch.X0[0], reversed.X0[2]));
        Assert.True(Same(batch.Conditioning.Context!, LowResContext.FromHighRes(batch.X0, 2)));
        Assert.False(Same(other.GetBatch([3, 0, 7], torch.CPU).X0, batch.X0));
        // Item 3 comes from photo 1 (3 mod 2): its pixels must be an 8x8 window of that photo.
        torch.Tensor photo = PixelTensor.ToTensor(photos[1], torch.CPU);
        bool found = false;
        for (int top = 0; top <= 8 && !found; top++)
            for (int left = 0; left <= 8 && !found; left++)
                found = Same(photo.narrow(1, top, 8).narrow(2, left, 8), batch.X0[0]);
        Assert.True(found);
        Assert.Throws<ArgumentOutOfRangeException>(() => dataset.GetBatch([10], torch.CPU));
    }

    [Fact]
    public void HighResCropsArePixelsOfThePhotoAtTheirPosition()
    {
        var photos = new[]
        {
            new PixelImage(20, 12, 3, TestImageFiles.Pattern(20 * 12 * 3, 7, 1)),
            new PixelImage(11, 16, 3, TestImageFiles.Pattern(11 * 16 * 3, 13, 5)),
        };
        using var dataset = new PatchDataset("photos", photos, patch: 8, scale: 2, patchesPerImage: 3, seed: 9);
        using var scope = torch.NewDisposeScope();
        torch.Tensor crops = dataset.HighRes([5, 2], torch.CPU);

        Assert.True(Same(crops, dataset.GetBatch([5, 2], torch.CPU).X0));
        for (int i = 0; i < 2; i++)
        {
            long index = i == 0 ? 5 : 2;
            (int photo, int top, int left) = dataset.Position(index);
            Assert.Equal(index % 2, photo);
            PixelImage source = photos[photo];
            // Pixel (c, y, x) of the crop is byte ((top + y) · width + left + x) · 3 + c of the HWC photo, as b / 127.5 - 1.
            float[] expected = new float[3 * 8 * 8];
            for (int c = 0; c < 3; c++)
                for (int y = 0; y < 8; y++)
                    for (int x = 0; x < 8; x++)
                        expected[(c * 8 + y) * 8 + x] = source.Pixels[((top + y) * source.Width + left + x) * 3 + c] / 127.5f - 1;
            Assert.Equal(expected, crops[i].contiguous().data<float>().ToArray());
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => dataset.Position(6));
    }

    [Fact]
    public void ResidualPatchesAreTheScaledDifferenceToTheirBicubicContext()
    {
        var photos = new[] { new PixelImage(20, 12, 1, TestImageFiles.Pattern(20 * 12, 7, 1)) };
        using var images = new PatchDataset("photos", photos, patch: 8, scale: 2, patchesPerImage: 4, seed: 42);
        using var residuals = new PatchDataset("photos", photos, 8, 2, 4, 42, residualScale: 8);
        using var scope = torch.NewDisposeScope();

        DataBatch image = images.GetBatch([0, 1, 2, 3], torch.CPU);
        DataBatch residual = residuals.GetBatch([0, 1, 2, 3], torch.CPU);

        Assert.True(Same(residual.Conditioning.Context!, image.Conditioning.Context!));
        torch.Tensor expected = (image.X0 - image.Conditioning.Context!) * 8;
        Assert.True(residual.X0.allclose(expected, rtol: 0, atol: 1e-6));
        // Decoding gives the patch back (the patches are in [-1, 1], so the clamp keeps them).
        Assert.True(ResidualTarget.Decode(residual.X0, residual.Conditioning.Context!, 8)
            .allclose(image.X0, rtol: 0, atol: 1e-6));
        Assert.True(Same(ResidualTarget.Encode(image.X0, image.Conditioning.Context!, 0), image.X0));
    }

    [Fact]
    public void AugmentedBatchesShowEachCropUnderItsSeededSymmetryAndHighResStaysPlain()
    {
        var photos = new[] { new PixelImage(20, 12, 1, TestImageFiles.Pattern(20 * 12, 7, 1)) };
        using var plain = new PatchDataset("photos", photos, patch: 8, scale: 2, patchesPerImage: 16, seed: 42);
        using var augmented = new PatchDataset("photos", photos, 8, 2, 16, 42, augment: true);
        using var scope = torch.NewDisposeScope();
        long[] indices = Enumerable.Range(0, 16).Select(i => (long)i).ToArray();

        torch.Tensor crops = plain.GetBatch(indices, torch.CPU).X0;
        DataBatch batch = augmented.GetBatch(indices, torch.CPU);

        Assert.True(Same(augmented.HighRes(indices, torch.CPU), crops));
        var seen = new HashSet<int>();
        for (int i = 0; i < indices.Length; i++)
        {
            // Find which of the eight symmetries (by pixel index maps) turns crop i into batch item i.
            float[] source = crops[i, 0].data<float>().ToArray(), target = batch.X0[i, 0].data<float>().ToArray();
            int[] matches = Enumerable.Range(0, 8).Where(g => Enumerable.Range(0, 64).All(
                k => target[k] == source[SourceIndex(g, k / 8, k % 8, 8)])).ToArray();
            Assert.NotEmpty(matches);
            seen.UnionWith(matches);
        }
        Assert.True(seen.Count >= 4, $"16 items saw only symmetries {string.Join(",", seen)}");
        Assert.True(Same(batch.Conditioning.Context!, LowResContext.FromHighRes(batch.X0, 2)));
    }

    /// <summary>
    /// The source pixel of output (r, c) of an n x n image under symmetry g: g &amp; 3 counter-clockwise quarter turns
    /// (torch.rot90 on (H, W): out[r, c] = in[c, n-1-r]), then, if g &amp; 4, a flip of the columns.
    /// </summary>
    private static int SourceIndex(int g, int r, int c, int n)
    {
        if ((g & 4) != 0)
            c = n - 1 - c;
        for (int t = 0; t < (g & 3); t++)
            (r, c) = (c, n - 1 - r);
        return r * n + c;
    }

    [Fact]
    public void ResidualDecodeClampsToTheDataRange()
    {
        using var scope = torch.NewDisposeScope();
        torch.Tensor context = torch.tensor(new float[] { 0.9f, -0.9f, 0f }).reshape(1, 1, 1, 3);
        torch.Tensor sample = torch.tensor(new float[] { 4f, -4f, 2f }).reshape(1, 1, 1, 3);
        // 0.9 + 4/4 and -0.9 - 4/4 leave [-1, 1]; 0 + 2/4 stays.
        Assert.Equal(new[] { 1f, -1f, 0.5f }, ResidualTarget.Decode(sample, context, 4).data<float>().ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => ResidualTarget.Decode(sample, context, -1));
    }

    [Fact]
    public void PhotosSmallerThanThePatchAreRefused()
    {
        var small = new PixelImage(6, 20, 1, new byte[120]);
        var error = Assert.Throws<ArgumentException>(() => new PatchDataset("x", [small], 8, 2, 1, 0));
        Assert.Contains("6x20x1", error.Message);
    }

    private static bool Same(torch.Tensor a, torch.Tensor b) =>
        a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();
}
