using DiffusionFramework.Image.Codec;
using DiffusionFramework.Tests.Cli;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;

namespace DiffusionFramework.Tests.Image;

public sealed class CodecTests
{
    [Fact]
    public void EveryByteSurvivesEncodeThenDecode()
    {
        byte[] grey = TestImageFiles.Pattern(16 * 16);
        byte[] rgb = TestImageFiles.Pattern(7 * 5 * 3, 101, 3);
        var greyCodec = new ImageCodec(16, 16, 1);
        var rgbCodec = new ImageCodec(7, 5, 3);

        using var scope = torch.NewDisposeScope();
        Assert.Equal(grey, greyCodec.Decode(greyCodec.Encode([new PixelImage(16, 16, 1, grey)]))[0].Pixels);
        Assert.Equal(rgb, rgbCodec.Decode(rgbCodec.Encode([new PixelImage(7, 5, 3, rgb)]))[0].Pixels);
    }

    [Fact]
    public void EncodeMapsBytesToMinusOneToOneChannelsFirst()
    {
        // A 2x1 RGB image: pixel (0,0) = (0, 255, 51), pixel (1,0) = (128, 1, 204).
        var image = new PixelImage(2, 1, 3, [0, 255, 51, 128, 1, 204]);
        using var scope = torch.NewDisposeScope();
        torch.Tensor x = new ImageCodec(2, 1, 3).Encode([image]);

        Assert.Equal(new long[] { 1, 3, 1, 2 }, x.shape);
        Assert.Equal(torch.float32, x.dtype);
        float[] expected = [-1f, 128 / 127.5f - 1, 1f, 1 / 127.5f - 1, 51 / 127.5f - 1, 204 / 127.5f - 1];
        float[] actual = x.data<float>().ToArray();
        for (int i = 0; i < expected.Length; i++)
            Assert.Equal(expected[i], actual[i], 6);
    }

    [Fact]
    public void DecodeRoundsAndClamps()
    {
        using var scope = torch.NewDisposeScope();
        // (x + 1) · 127.5: -3 -> clamp 0; 2 -> clamp 255; 0 -> 127.5 rounds half to even = 128; 0.1 -> 140.25 -> 140.
        torch.Tensor x = torch.tensor(new float[] { -3f, 2f, 0f, 0.1f }, [1, 1, 1, 4]);
        Assert.Equal(new byte[] { 0, 255, 128, 140 }, PixelTensor.ToImages(x)[0].Pixels);
    }

    [Theory]
    [InlineData(".png")]
    [InlineData(".bmp")]
    public void LosslessFilesReadBackExactly(string extension)
    {
        using var folder = new ScratchFolder();
        byte[] rgb = TestImageFiles.Pattern(6 * 4 * 3, 53, 7);
        string path = TestImageFiles.SaveRgb(folder["a" + extension], 6, 4, rgb);

        PixelImage read = ImageFile.Read(path, 3);

        Assert.Equal((6, 4, 3), (read.Width, read.Height, read.Channels));
        Assert.Equal(rgb, read.Pixels);
    }

    [Fact]
    public void WritePngThenReadIsIdentity()
    {
        using var folder = new ScratchFolder();
        var image = new PixelImage(5, 3, 1, TestImageFiles.Pattern(15, 91, 2));
        new ImageCodec(5, 3, 1).Write(image, folder["out.png"]);

        Assert.Equal(image.Pixels, ImageFile.Read(folder["out.png"], 1).Pixels);
        Assert.Empty(Directory.GetFiles(folder.Path, "*.tmp"));
        Assert.Throws<ArgumentException>(() => new ImageCodec(5, 3, 1).Write(image, folder["out.jpg"]));
    }

    [Fact]
    public void JpegReadsCloseToTheOriginal()
    {
        using var folder = new ScratchFolder();
        string path = TestImageFiles.SaveFlat(folder["flat.jpg"], 16, 16, 180);
        PixelImage read = ImageFile.Read(path, 1);
        Assert.All(read.Pixels, b => Assert.InRange(b, 178, 182));
    }

    [Fact]
    public void GifYieldsItsFirstFrame()
    {
        using var folder = new ScratchFolder();
        string path = folder["two.gif"];
        using (var gif = new Image<Rgb24>(4, 4, new Rgb24(255, 255, 255)))
        {
            using var black = new Image<Rgb24>(4, 4, new Rgb24(0, 0, 0));
            gif.Frames.AddFrame(black.Frames.RootFrame);
            Assert.Equal(2, gif.Frames.Count);
            gif.SaveAsGif(path);
        }

        PixelImage read = ImageFile.Read(path, 3);

        Assert.All(read.Pixels, b => Assert.Equal(255, b));
    }

    [Fact]
    public void GreyConversionUsesBt709Luma()
    {
        using var folder = new ScratchFolder();
        // Pure red, green, blue: luma 0.2126 R + 0.7152 G + 0.0722 B (ITU-R BT.709) -> 54, 182, 18.
        string path = TestImageFiles.SaveRgb(folder["rgb.png"], 3, 1, [255, 0, 0, 0, 255, 0, 0, 0, 255]);
        Assert.Equal(new byte[] { 54, 182, 18 }, ImageFile.Read(path, 1).Pixels);
    }

    [Fact]
    public void ReadScalesToCoverThenCropsTheCentre()
    {
        using var folder = new ScratchFolder();
        // 40x20: columns 0-9 and 30-39 black, 10-29 white. Covering 10x10 halves it to 20x10 and keeps the centre
        // 10 columns, which come from the white columns 10-29.
        byte[] bytes = new byte[40 * 20];
        for (int y = 0; y < 20; y++)
            for (int x = 10; x < 30; x++)
                bytes[y * 40 + x] = 255;
        string path = TestImageFiles.SaveGrey(folder["wide.png"], 40, 20, bytes);

        PixelImage read = new ImageCodec(10, 10, 1).Read(path);

        Assert.Equal((10, 10), (read.Width, read.Height));
        for (int y = 0; y < 10; y++)
            for (int x = 1; x < 9; x++)
                Assert.Equal(255, read.Pixels[y * 10 + x]);
    }
}
