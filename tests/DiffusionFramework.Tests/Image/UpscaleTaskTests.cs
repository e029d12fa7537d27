using System.Text.Json.Nodes;
using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Checkpoints;
using DiffusionFramework.Core.Pipelines;
using DiffusionFramework.Image;
using DiffusionFramework.Image.Codec;
using DiffusionFramework.Image.Tasks;
using DiffusionFramework.Tests.Cli;
using Points2d;
using TorchSharp;

namespace DiffusionFramework.Tests.Image;

public sealed class UpscaleTaskTests
{
    private const string SmallSr =
        """{"image_size": 8, "scale": 2, "model_channels": 16, "num_head_channels": 16, "norm_groups": 8, "num_res_blocks": 1}""";

    /// <summary>Saves an untrained model of <paramref name="network"/> as a checkpoint folder; returns its path.</summary>
    internal static string SaveCheckpoint(ScratchFolder folder, string name, IModality modality, PluginInfo plugin, JsonObject? network)
    {
        using var model = DiffusionModel.Create(modality, plugin, torch.CPU, network);
        Checkpoint.Save(folder[name], model.ToCheckpointConfig(), model.Denoiser.Module);
        return folder[name];
    }

    private static int Run(string checkpoint, string input, string output, string samplesPerImage = "1") =>
        new UpscaleTask().Run(new TaskInvocation(new Dictionary<string, string>
        {
            ["checkpoint"] = checkpoint, ["input"] = input, ["out"] = output,
            ["sampler"] = "ddim", ["steps"] = "2", ["seed"] = "0", ["samples-per-image"] = samplesPerImage,
        }, null!, TextWriter.Null), CancellationToken.None);

    [Fact]
    public void AveragesSamplesPerImageWhenAsked()
    {
        using var folder = new ScratchFolder();
        string sr = SaveCheckpoint(folder, "sr", new ImageModality(), new ImagePlugin().Info, JsonNode.Parse(SmallSr)!.AsObject());
        string input = TestImageFiles.SaveGrey(folder["low.png"], 6, 4, TestImageFiles.Pattern(24));

        Assert.Equal(0, Run(sr, input, folder["one.png"]));
        Assert.Equal(0, Run(sr, input, folder["three.png"], samplesPerImage: "3"));

        Assert.NotEqual(File.ReadAllBytes(folder["one.png"]), File.ReadAllBytes(folder["three.png"]));
        Assert.Contains("samples-per-image", Assert.ThrowsAny<ArgumentException>(
            () => Run(sr, input, folder["zero.png"], samplesPerImage: "0")).Message);
    }

    [Fact]
    public void UpscalesAWholeNonSquareImageToScaleTimesItsSize()
    {
        using var folder = new ScratchFolder();
        string sr = SaveCheckpoint(folder, "sr", new ImageModality(), new ImagePlugin().Info, JsonNode.Parse(SmallSr)!.AsObject());
        string input = TestImageFiles.SaveGrey(folder["low.png"], 7, 5, TestImageFiles.Pattern(35));

        Assert.Equal(0, Run(sr, input, folder["high.png"]));

        PixelImage high = ImageFile.Read(folder["high.png"], 1);
        Assert.Equal((14, 10), (high.Width, high.Height));
        Assert.Throws<IOException>(() => Run(sr, input, folder["high.png"]));
    }

    [Fact]
    public void RefusesNonSrCheckpointsOtherPluginsAndOversizedInputs()
    {
        using var folder = new ScratchFolder();
        string digits = SaveCheckpoint(folder, "digits", new ImageModality(), new ImagePlugin().Info,
            JsonNode.Parse("""{"model_channels": 16, "num_head_channels": 16, "norm_groups": 8, "num_res_blocks": 1}""")!.AsObject());
        string points = SaveCheckpoint(folder, "points", new Points2dModality(), new Points2dPlugin().Info, null);
        string sr = SaveCheckpoint(folder, "sr", new ImageModality(), new ImagePlugin().Info, JsonNode.Parse(SmallSr)!.AsObject());
        string input = TestImageFiles.SaveFlat(folder["low.png"], 4, 4, 9);
        string huge = TestImageFiles.SaveFlat(folder["huge.png"], 1100, 1000, 9);

        Assert.Contains("not a super-resolution", Assert.Throws<InvalidDataException>(() => Run(digits, input, folder["a.png"])).Message);
        Assert.Contains("points2d", Assert.Throws<InvalidDataException>(() => Run(points, input, folder["b.png"])).Message);
        var oversized = Assert.Throws<InvalidDataException>(() => Run(sr, huge, folder["c.png"]));
        Assert.Contains(huge, oversized.Message);
        Assert.Contains("2200x2000", oversized.Message);
        Assert.False(File.Exists(folder["c.png"]));
    }
}
