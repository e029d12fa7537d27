using System.Text.Json.Nodes;
using DiffusionFramework.Abstractions;
using DiffusionFramework.Image;
using DiffusionFramework.Image.Data;
using DiffusionFramework.Tests.Cli;
using TorchSharp;

namespace DiffusionFramework.Tests.Image;

public sealed class ModalityTests
{
    private static readonly ImageModality Modality = new();

    private static JsonObject Config(string json) => JsonNode.Parse(json)!.AsObject();

    [Fact]
    public void DefaultIsTheClassConditionalDigitsModel()
    {
        JsonObject json = Modality.DefaultNetworkConfig();
        ImageConfig config = ImageConfig.FromJson(json);

        Assert.Equal(new long[] { 1, 8, 8 }, Modality.SampleShape(json));
        Assert.Equal((32, 2, 10, 0.1), (config.Network.ModelChannels, config.Network.NumResBlocks,
            config.Network.NumClasses, config.Network.Dropout));
        Assert.Equal(new[] { 1, 2 }, config.Network.ChannelMult);
        Assert.Equal(new[] { 2 }, config.Network.AttentionResolutions);
        Assert.Equal(config.ToJson().ToJsonString(), ImageConfig.FromJson(config.ToJson()).ToJson().ToJsonString());
        Assert.All(ImageConfig.DerivedKeys, key => Assert.False(json.ContainsKey(key), key));
        Assert.Equal("image", new ImagePlugin().Info.Modality);
    }

    [Fact]
    public void DefaultTakesAnotherScaleAndChannelsWithoutTheDerivedKeys()
    {
        JsonObject json = Modality.DefaultNetworkConfig();
        json["scale"] = 2;
        json["channels"] = 3;
        json["num_classes"] = 0;
        json["residual_scale"] = 8.0;

        ImageConfig config = ImageConfig.FromJson(json);

        Assert.Equal((3, 3, 3), (config.Network.InChannels, config.Network.OutChannels, config.Network.ContextChannels));
        Assert.Equal(8.0, config.ResidualScale);
    }

    [Theory]
    [InlineData(@"{""residual_scale"": 4}", "super-resolution model")]
    [InlineData(@"{""scale"": 2, ""image_size"": 8, ""num_classes"": 0, ""residual_scale"": -1}", "[0, 1000]")]
    public void BadResidualScaleIsRefusedByName(string json, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => ImageConfig.FromJson(Config(json)));
        Assert.Contains("residual_scale", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void ImageKeysDecideTheUNetChannels()
    {
        ImageConfig sr = ImageConfig.FromJson(Config("""{"image_size": 16, "channels": 3, "scale": 4}"""));
        Assert.Equal((3, 3, 3), (sr.Network.InChannels, sr.Network.OutChannels, sr.Network.ContextChannels));
        Assert.True(sr.IsSuperResolution);

        var disagree = Assert.Throws<ArgumentException>(() => ImageConfig.FromJson(Config("""{"channels": 3, "in_channels": 1}""")));
        Assert.StartsWith("in_channels", disagree.Message);
        Assert.StartsWith("image_size", Assert.Throws<ArgumentException>(() => ImageConfig.FromJson(Config("""{"image_size": 9}"""))).Message);
        Assert.StartsWith("scale", Assert.Throws<ArgumentException>(() => ImageConfig.FromJson(Config("""{"scale": 1}"""))).Message);
        Assert.Contains("bogus", Assert.Throws<ArgumentException>(() => ImageConfig.FromJson(Config("""{"bogus": 1}"""))).Message);
    }

    [Fact]
    public void SamplingCyclesClassesOrTakesOneAndRefusesBadIds()
    {
        JsonObject conditional = Modality.DefaultNetworkConfig();
        JsonObject unconditional = Config("""{"num_classes": 0}""");
        var none = new Dictionary<string, string>();
        using var scope = torch.NewDisposeScope();

        Conditioning cycled = Modality.SamplingConditioning(12, none, conditional, torch.CPU);
        Assert.Equal(new long[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1 }, cycled.ClassLabels!.data<long>().ToArray());
        Conditioning seven = Modality.SamplingConditioning(3, new Dictionary<string, string> { ["class"] = "7" }, conditional, torch.CPU);
        Assert.Equal(new long[] { 7, 7, 7 }, seven.ClassLabels!.data<long>().ToArray());
        Assert.Null(Modality.SamplingConditioning(4, none, unconditional, torch.CPU).ClassLabels);
        Conditioning nullClass = Modality.SamplingConditioning(4, new Dictionary<string, string> { ["class"] = "none" }, conditional, torch.CPU);
        Assert.True(nullClass.DropCondition);
        Assert.Null(nullClass.ClassLabels);

        Assert.Contains("[0, 9]", Assert.Throws<ArgumentException>(() =>
            Modality.SamplingConditioning(2, new Dictionary<string, string> { ["class"] = "10" }, conditional, torch.CPU)).Message);
        Assert.Contains("unconditional", Assert.Throws<ArgumentException>(() =>
            Modality.SamplingConditioning(2, new Dictionary<string, string> { ["class"] = "1" }, unconditional, torch.CPU)).Message);
        Assert.Contains("colour", Assert.Throws<ArgumentException>(() =>
            Modality.SamplingConditioning(2, new Dictionary<string, string> { ["colour"] = "1" }, conditional, torch.CPU)).Message);
    }

    [Fact]
    public void DigitsDatasetIsLabelledOnlyForAConditionalModel()
    {
        using var scope = torch.NewDisposeScope();
        IDiffusionDataset labelled = Modality.OpenDataset(null, Modality.DefaultNetworkConfig());
        IDiffusionDataset plain = Modality.OpenDataset(null, Config("""{"num_classes": 0}"""));
        var (_, labels) = DigitsData.Load(DigitsSplit.Train, torch.CPU);

        Assert.Equal(1348, labelled.Count);
        DataBatch batch = labelled.GetBatch([5, 0], torch.CPU);
        Assert.Equal(new[] { labels[5].item<long>(), labels[0].item<long>() }, batch.Conditioning.ClassLabels!.data<long>().ToArray());
        Assert.Null(plain.GetBatch([5], torch.CPU).Conditioning.ClassLabels);
        Assert.Throws<InvalidDataException>(() => Modality.OpenDataset(null, Config("""{"image_size": 16}""")));
        Assert.Contains("folder", Assert.Throws<InvalidDataException>(() =>
            Modality.OpenDataset(null, Config("""{"image_size": 16, "scale": 2}"""))).Message);
    }

    [Fact]
    public void FolderDatasetGivesRootFilesTheNullClass()
    {
        using var folder = new ScratchFolder();
        Directory.CreateDirectory(folder["cats"]);
        TestImageFiles.SaveFlat(Path.Combine(folder["cats"], "c.png"), 8, 8, 255);
        TestImageFiles.SaveFlat(folder["loose.png"], 16, 16, 0);
        using var scope = torch.NewDisposeScope();

        IDiffusionDataset dataset = Modality.OpenDataset(folder.Path, Config("""{"num_classes": 3}"""));
        DataBatch batch = dataset.GetBatch([0, 1], torch.CPU);

        Assert.Equal(new long[] { 3, 0 }, batch.Conditioning.ClassLabels!.data<long>().ToArray());
        Assert.Equal(new long[] { 2, 1, 8, 8 }, batch.X0.shape);
        Assert.Equal(-1f, batch.X0[0].max().item<float>());
        Assert.Equal(1f, batch.X0[1].min().item<float>());
        Assert.Contains("sub-folder", Assert.Throws<InvalidDataException>(() =>
            Modality.OpenDataset(Path.Combine(folder["cats"]), Config("""{"num_classes": 3}"""))).Message);
    }

    [Fact]
    public void DenoiserHonoursLabelsContextAndTheDropFlag()
    {
        JsonObject json = Config("""{"image_size": 8, "model_channels": 32, "num_classes": 2, "num_head_channels": 16}""");
        IDenoiser denoiser = Modality.CreateDenoiser(json, torch.CPU);
        using var scope = torch.NewDisposeScope();
        // conv_out starts at zero; perturb it so outputs depend on the inputs.
        using (torch.no_grad())
        {
            using var generator = new torch.Generator(1);
            foreach (var p in denoiser.Module.parameters())
                p.add_(torch.randn(p.shape, generator: generator) * 0.05);
        }
        denoiser.Module.eval();
        torch.Tensor x = torch.randn(2, 1, 8, 8, generator: new torch.Generator(2));
        torch.Tensor t = torch.tensor(new float[] { 100, 100 });
        var labelled = new Conditioning { ClassLabels = torch.tensor(new long[] { 0, 1 }) };
        var nullClass = new Conditioning { ClassLabels = torch.tensor(new long[] { 2, 2 }) };

        torch.Tensor dropped = denoiser.Forward(x, t, labelled with { DropCondition = true });

        Assert.Equal(PredictionType.Epsilon, denoiser.PredictionType);
        Assert.True(dropped.allclose(denoiser.Forward(x, t, nullClass)));
        Assert.False(dropped.allclose(denoiser.Forward(x, t, labelled)));
        Assert.True(dropped.allclose(denoiser.Forward(x, t, Conditioning.None)));
    }
}
