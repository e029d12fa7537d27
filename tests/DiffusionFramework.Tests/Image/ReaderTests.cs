using System.Text.Json.Nodes;
using DiffusionFramework.Image;
using DiffusionFramework.Image.Input;
using DiffusionFramework.Tests.Cli;
using TorchSharp;

namespace DiffusionFramework.Tests.Image;

public sealed class ReaderTests
{
    private static readonly JsonObject Digits = new ImageModality().DefaultNetworkConfig();

    [Fact]
    public void SamplesAndMaskComeInModelSpace()
    {
        using var folder = new ScratchFolder();
        string input = TestImageFiles.SaveFlat(folder["in.png"], 16, 16, 255);
        byte[] maskBytes = new byte[16 * 16];
        for (int i = 0; i < 8 * 16; i++)
            maskBytes[i] = 255; // top half white = regenerate
        string mask = TestImageFiles.SaveGrey(folder["mask.png"], 16, 16, maskBytes);
        var reader = new ImageSampleReader();
        using var scope = torch.NewDisposeScope();

        torch.Tensor samples = reader.ReadSamples([input], Digits, torch.CPU);
        torch.Tensor m = reader.ReadMask(mask, [input], Digits, torch.CPU);

        Assert.Equal(new long[] { 1, 1, 8, 8 }, samples.shape);
        Assert.Equal(1f, samples.min().item<float>());
        Assert.Equal(new long[] { 1, 8, 8 }, m.shape);
        Assert.Equal(1f, m[0, 0].min().item<float>());
        Assert.Equal(0f, m[0, 7].max().item<float>());
    }

    [Fact]
    public void MaskOfAnotherSizeThanTheInputIsRefused()
    {
        using var folder = new ScratchFolder();
        string input = TestImageFiles.SaveFlat(folder["in.png"], 16, 16, 0);
        string mask = TestImageFiles.SaveFlat(folder["mask.png"], 12, 16, 255);
        var reader = new ImageSampleReader();
        using var scope = torch.NewDisposeScope();

        reader.ReadSamples([input], Digits, torch.CPU);
        var error = Assert.Throws<InvalidDataException>(() => reader.ReadMask(mask, Digits, torch.CPU));

        Assert.Contains(mask, error.Message);
        Assert.Contains("12x16", error.Message);
        Assert.Contains("16x16", error.Message);
    }

    [Fact]
    public void ContextIsTheBicubicUpsampleForSuperResolutionOnly()
    {
        using var folder = new ScratchFolder();
        string low = TestImageFiles.SaveFlat(folder["low.png"], 4, 4, 255);
        string wrong = TestImageFiles.SaveFlat(folder["wrong.png"], 5, 4, 255);
        JsonObject sr = JsonNode.Parse("""{"image_size": 16, "scale": 4}""")!.AsObject();
        var reader = new ImageSampleReader();
        using var scope = torch.NewDisposeScope();

        torch.Tensor context = reader.ReadContext([low], sr, torch.CPU);

        Assert.Equal(new long[] { 1, 1, 16, 16 }, context.shape);
        Assert.True(context.allclose(torch.ones(1, 1, 16, 16)));
        Assert.Contains(wrong, Assert.Throws<InvalidDataException>(() => reader.ReadContext([wrong], sr, torch.CPU)).Message);
        Assert.Throws<NotSupportedException>(() => reader.ReadContext([low], Digits, torch.CPU));
    }
}
