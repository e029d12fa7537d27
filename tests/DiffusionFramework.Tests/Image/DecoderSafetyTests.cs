using System.Diagnostics;
using DiffusionFramework.Image.Codec;
using DiffusionFramework.Image.Data;
using DiffusionFramework.Tests.Cli;

namespace DiffusionFramework.Tests.Image;

public sealed class DecoderSafetyTests
{
    [Fact]
    public void ForgedHugeHeaderIsRefusedFastWithoutAllocating()
    {
        using var folder = new ScratchFolder();
        string warmUp = TestImageFiles.ForgedPngHeader(folder["warm.png"], 50_000, 50_000);
        string bomb = TestImageFiles.ForgedPngHeader(folder["bomb.png"], 60_000, 60_000);
        Assert.Throws<InvalidDataException>(() => ImageFile.Read(warmUp, 3));

        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        var error = Assert.Throws<InvalidDataException>(() => ImageFile.Read(bomb, 3));
        clock.Stop();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;

        Assert.Contains(bomb, error.Message);
        Assert.Contains("60000x60000", error.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"took {clock.Elapsed}");
        // 60000 x 60000 RGB would be 10.8 GB; reading a header costs a few buffers.
        Assert.True(allocated < 2_000_000, $"allocated {allocated} bytes");
    }

    [Fact]
    public void PixelLimitIsConfigurable()
    {
        using var folder = new ScratchFolder();
        string path = TestImageFiles.SaveFlat(folder["ten.png"], 10, 10, 7);
        var error = Assert.Throws<InvalidDataException>(() => ImageFile.Read(path, 1, new ImageReadLimits { MaxPixels = 99 }));
        Assert.Contains("10x10", error.Message);
        Assert.Equal(7, ImageFile.Read(path, 1, new ImageReadLimits { MaxPixels = 100 }).Pixels[0]);
    }

    [Fact]
    public void AllocatorCapStopsADecodeThePixelLimitLetThrough()
    {
        using var folder = new ScratchFolder();
        // 1500 x 1500 RGB is 6.75 MB; a 1 MB allocator cap must refuse it even with no pixel limit.
        string path = TestImageFiles.SaveFlat(folder["big.png"], 1500, 1500, 9);
        var limits = new ImageReadLimits { MaxPixels = long.MaxValue, AllocationLimitMegabytes = 1 };

        var error = Assert.Throws<InvalidDataException>(() => ImageFile.Read(path, 3, limits));

        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void TruncatedFileNamesTheFile()
    {
        using var folder = new ScratchFolder();
        string path = TestImageFiles.SaveRgb(folder["cut.png"], 32, 32, TestImageFiles.Pattern(32 * 32 * 3));
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);

        var error = Assert.Throws<InvalidDataException>(() => ImageFile.Read(path, 3));

        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void NonImageFileNamesTheFile()
    {
        using var folder = new ScratchFolder();
        string path = folder["notes.png"];
        File.WriteAllText(path, "these are not pixels\n");

        var error = Assert.Throws<InvalidDataException>(() => ImageFile.Read(path, 1));

        Assert.Contains(path, error.Message);
        Assert.Contains("not an image", error.Message);
        Assert.Throws<FileNotFoundException>(() => ImageFile.Read(folder["missing.png"], 1));
    }

    [Fact]
    public void FolderReadSkipsBadFilesByDefaultAndStopsOnRequest()
    {
        using var folder = new ScratchFolder();
        TestImageFiles.SaveFlat(folder["a.png"], 4, 4, 10);
        File.WriteAllText(folder["b.png"], "garbage");
        TestImageFiles.SaveFlat(folder["c.png"], 4, 4, 30);
        File.WriteAllText(folder["readme.txt"], "ignored: not an image extension");
        PixelImage Read(string path) => ImageFile.Read(path, 1);

        ImageFolderContents<PixelImage> contents = ImageFolder.Read(folder.Path, Read);

        Assert.Equal(new byte[] { 10, 30 }, contents.Items.Select(i => i.Value.Pixels[0]).ToArray());
        ImageReadFailure failure = Assert.Single(contents.Failures);
        Assert.Equal(folder["b.png"], failure.Path);
        Assert.Contains(folder["b.png"], failure.Message);

        var error = Assert.Throws<InvalidDataException>(() => ImageFolder.Read(folder.Path, Read, stopOnFirstError: true));
        Assert.Contains(folder["b.png"], error.Message);
    }
}
