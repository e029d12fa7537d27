using System.Text.Json.Nodes;
using DiffusionFramework.Image;
using DiffusionFramework.Image.Codec;
using DiffusionFramework.Image.Evaluation;
using DiffusionFramework.Image.SuperResolution;
using DiffusionFramework.Tests.Cli;
using TorchSharp;

namespace DiffusionFramework.Tests.Image;

public sealed class SuperResolutionEvaluationTests
{
    private static readonly ImageConfig Rgb16x2 = ImageConfig.FromJson(
        JsonNode.Parse("""{"image_size": 16, "channels": 3, "scale": 2}""")!.AsObject());

    /// <summary>Two RGB photos of smooth gradients plus texture (so bicubic is neither perfect nor hopeless).</summary>
    private static (string Folder, PixelImage[] Photos) Photos(ScratchFolder scratch)
    {
        Directory.CreateDirectory(scratch["photos"]);
        PixelImage[] photos = [Photo(40, 30, 0), Photo(33, 50, 1)];
        TestImageFiles.SaveRgb(scratch["photos/a.png"], 40, 30, photos[0].Pixels);
        TestImageFiles.SaveRgb(scratch["photos/b.png"], 33, 50, photos[1].Pixels);
        return (scratch["photos"], photos);
    }

    private static PixelImage Photo(int width, int height, int phase) => new(width, height, 3,
        Enumerable.Range(0, width * height * 3).Select(i =>
        {
            int pixel = i / 3, x = pixel % width, y = pixel / width, c = i % 3;
            return (byte)Math.Clamp(60 + 3 * x + 2 * y + 40 * c + 25 * Math.Sin(x * 0.9 + y * 0.6 + phase), 0, 255);
        }).ToArray());

    private static SuperResolutionEvaluationOptions Options(int patches, int batch) =>
        new() { Patches = patches, BatchSize = batch, Seed = 5 };

    [Fact]
    public void AnOracleScoresPerfectlyAndBeatsBicubicOnEveryPatch()
    {
        using var scratch = new ScratchFolder();
        (string folder, PixelImage[] photos) = Photos(scratch);
        // The oracle knows the true patches: a dataset over the same photos and seed (positions depend on seed and index only).
        using var truth = new PatchDataset("truth", photos, 16, 2, patchesPerImage: 7, seed: 5);
        long next = 0;
        torch.Tensor Oracle(torch.Tensor lowRes)
        {
            long[] indices = Enumerable.Range((int)next, (int)lowRes.shape[0]).Select(i => (long)i).ToArray();
            next += indices.Length;
            torch.Tensor highRes = truth.HighRes(indices, torch.CPU);
            Assert.True(LowResContext.Downscale(highRes, 2).allclose(lowRes, rtol: 0, atol: 1e-6));
            return highRes;
        }

        SuperResolutionReport report = SuperResolutionEvaluation.Run(folder, Rgb16x2, Options(7, 3), Oracle, torch.CPU);

        Assert.Equal(7, next);
        Assert.Equal(7, report.Patches.Count);
        Assert.Equal(Enumerable.Range(0, 7).Select(i => report.Photos[i % 2]), report.Patches.Select(p => p.Photo));
        Assert.All(report.Patches, p => Assert.Equal(SuperResolutionScoring.PsnrCap, p.ModelPsnr));
        Assert.All(report.Patches, p => Assert.Equal(1.0, p.ModelSsim, 12));
        Assert.All(report.Patches, p => Assert.InRange(p.BicubicPsnr, 15, 60));
        Assert.Equal(SuperResolutionScoring.PsnrCap, report.Model.Psnr);
        Assert.Equal(1.0, report.PsnrGain.WinFraction);
        Assert.Equal(1.0, report.SsimGain.WinFraction);
        Assert.Equal(SuperResolutionScoring.PsnrCap - report.Bicubic.Psnr, report.PsnrGain.Mean, 9);
    }

    [Fact]
    public void BicubicAgainstItselfGainsExactlyNothing()
    {
        using var scratch = new ScratchFolder();
        (string folder, _) = Photos(scratch);
        SuperResolutionReport report = SuperResolutionEvaluation.Run(folder, Rgb16x2, Options(5, 2),
            lowRes => LowResContext.Upsample(lowRes, 2), torch.CPU);

        Assert.Equal(report.Bicubic, report.Model);
        Assert.Equal(new PairedGain(0, 0, 0), report.PsnrGain);
        Assert.Equal(new PairedGain(0, 0, 0), report.SsimGain);
    }

    [Fact]
    public void BatchingDoesNotChangeTheScoresAndPatchesStayInsideThePhotos()
    {
        using var scratch = new ScratchFolder();
        (string folder, PixelImage[] photos) = Photos(scratch);
        static torch.Tensor Nearest(torch.Tensor lowRes) => lowRes.repeat_interleave(2, 2).repeat_interleave(2, 3);

        SuperResolutionReport one = SuperResolutionEvaluation.Run(folder, Rgb16x2, Options(6, 1), Nearest, torch.CPU);
        SuperResolutionReport all = SuperResolutionEvaluation.Run(folder, Rgb16x2, Options(6, 6), Nearest, torch.CPU);

        Assert.Equal(one.Patches, all.Patches);
        Assert.All(one.Patches, p =>
        {
            PixelImage photo = photos[p.Index % 2];
            Assert.InRange(p.Top, 0, photo.Height - 16);
            Assert.InRange(p.Left, 0, photo.Width - 16);
        });
        Assert.Equal(6, one.Patches.Select(p => (p.Photo, p.Top, p.Left)).Distinct().Count());
    }

    [Fact]
    public void RefusesPatchesTooSmallForSsimSmallPhotosAndWrongShapes()
    {
        using var scratch = new ScratchFolder();
        (string folder, _) = Photos(scratch);
        ImageConfig tiny = Rgb16x2 with { ImageSize = 8 };
        static torch.Tensor Bicubic(torch.Tensor x) => LowResContext.Upsample(x, 2);

        Assert.Contains("SSIM", Assert.Throws<ArgumentException>(() =>
            SuperResolutionEvaluation.Run(folder, tiny, Options(2, 2), Bicubic, torch.CPU)).Message);
        Assert.Contains("patches", Assert.Throws<ArgumentException>(() =>
            SuperResolutionEvaluation.Run(folder, Rgb16x2, Options(0, 2), Bicubic, torch.CPU)).Message);
        Assert.Contains("upscaler returned", Assert.Throws<ArgumentException>(() =>
            SuperResolutionEvaluation.Run(folder, Rgb16x2, Options(2, 2), x => x, torch.CPU)).Message);

        string small = TestImageFiles.SaveFlat(scratch["photos/small.png"], 20, 12, 9);
        Assert.Contains(small, Assert.Throws<InvalidDataException>(() =>
            SuperResolutionEvaluation.Run(folder, Rgb16x2, Options(2, 2), Bicubic, torch.CPU)).Message);
    }
}
