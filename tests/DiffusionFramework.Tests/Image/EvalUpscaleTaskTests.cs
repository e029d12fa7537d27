using System.Globalization;
using System.Text.Json.Nodes;
using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Checkpoints;
using DiffusionFramework.Core.Pipelines;
using DiffusionFramework.Image;
using DiffusionFramework.Image.Evaluation;
using DiffusionFramework.Image.Tasks;
using DiffusionFramework.Tests.Cli;
using Points2d;
using TorchSharp;

namespace DiffusionFramework.Tests.Image;

public sealed class EvalUpscaleTaskTests
{
    private const string SmallSr =
        """{"image_size": 16, "scale": 2, "model_channels": 16, "num_head_channels": 16, "norm_groups": 8, "num_res_blocks": 1}""";

    private static string SaveCheckpoint(ScratchFolder folder, string name, IModality modality, PluginInfo plugin, string? network) =>
        UpscaleTaskTests.SaveCheckpoint(folder, name, modality, plugin, network is null ? null : JsonNode.Parse(network)!.AsObject());

    private static string Photos(ScratchFolder folder)
    {
        Directory.CreateDirectory(folder["photos"]);
        TestImageFiles.SaveGrey(folder["photos/a.png"], 24, 20, TestImageFiles.Pattern(24 * 20, 5, 3));
        TestImageFiles.SaveGrey(folder["photos/b,c.png"], 18, 30, TestImageFiles.Pattern(18 * 30, 11, 7));
        return folder["photos"];
    }

    private static int Run(string checkpoint, string data, string? csv, TextWriter? output = null, string patches = "3")
    {
        var options = new Dictionary<string, string>
        {
            ["checkpoint"] = checkpoint, ["data"] = data, ["patches"] = patches, ["batch"] = "2", ["steps"] = "2",
        };
        if (csv is not null)
            options["csv"] = csv;
        return new EvalUpscaleTask().Run(new TaskInvocation(options, null!, output ?? TextWriter.Null), CancellationToken.None);
    }

    [Fact]
    public void ScoresAnUntrainedCheckpointAndWritesOneCsvRowPerPatch()
    {
        using var folder = new ScratchFolder();
        string sr = SaveCheckpoint(folder, "sr", new ImageModality(), new ImagePlugin().Info, SmallSr);
        string data = Photos(folder);
        var output = new StringWriter();

        Assert.Equal(0, Run(sr, data, folder["scores.csv"], output));

        string[] lines = File.ReadAllLines(folder["scores.csv"]);
        Assert.Equal(SuperResolutionCsv.Header, lines[0]);
        Assert.Equal(4, lines.Length);
        // Patch i comes from photo i mod 2, in file order ("a.png", then the quoted "b,c.png").
        Assert.StartsWith("0,a.png,", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("1,\"b,c.png\",", lines[2], StringComparison.Ordinal);
        foreach (string line in lines.Skip(1))
        {
            double[] v = line[(line.LastIndexOf("png", StringComparison.Ordinal) + 4)..].TrimStart('"', ',').Split(',')
                .Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            // top, left, bicubic psnr, ssim, model psnr, ssim, psnr gain, ssim gain
            Assert.Equal(v[4] - v[2], v[6], 9);
            Assert.Equal(v[5] - v[3], v[7], 9);
            Assert.InRange(v[2], 5, 60);
        }
        string text = output.ToString();
        Assert.Contains("bicubic", text, StringComparison.Ordinal);
        Assert.Contains("95% CI, N = 3", text, StringComparison.Ordinal);
        Assert.Contains("sampler ddim, 2 steps", text, StringComparison.Ordinal);

        byte[] before = File.ReadAllBytes(folder["scores.csv"]);
        Assert.Throws<IOException>(() => Run(sr, data, folder["scores.csv"]));
        Assert.Equal(before, File.ReadAllBytes(folder["scores.csv"]));
    }

    [Fact]
    public void RefusesBadCheckpointsFoldersPhotosAndCounts()
    {
        using var folder = new ScratchFolder();
        string sr = SaveCheckpoint(folder, "sr", new ImageModality(), new ImagePlugin().Info, SmallSr);
        string digits = SaveCheckpoint(folder, "digits", new ImageModality(), new ImagePlugin().Info,
            """{"model_channels": 16, "num_head_channels": 16, "norm_groups": 8, "num_res_blocks": 1}""");
        string points = SaveCheckpoint(folder, "points", new Points2dModality(), new Points2dPlugin().Info, null);
        string data = Photos(folder);
        Directory.CreateDirectory(folder["empty"]);

        Assert.Contains("not a super-resolution", Assert.Throws<InvalidDataException>(() => Run(digits, data, null)).Message);
        Assert.Contains("points2d", Assert.Throws<InvalidDataException>(() => Run(points, data, null)).Message);
        Assert.Contains("--patches", Assert.Throws<ArgumentException>(() => Run(sr, data, null, patches: "0")).Message);
        Assert.Throws<DirectoryNotFoundException>(() => Run(sr, folder["missing"], null));
        Assert.Contains("no image files", Assert.Throws<InvalidDataException>(() => Run(sr, folder["empty"], null)).Message);
        string small = TestImageFiles.SaveFlat(folder["photos/small.png"], 30, 10, 9);
        Assert.Contains(small, Assert.Throws<InvalidDataException>(() => Run(sr, data, folder["x.csv"])).Message);
        Assert.False(File.Exists(folder["x.csv"]));
    }
}
