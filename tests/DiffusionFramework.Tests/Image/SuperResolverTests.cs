using System.Text.Json.Nodes;
using DiffusionFramework.Core.Pipelines;
using DiffusionFramework.Image;
using DiffusionFramework.Image.SuperResolution;
using TorchSharp;

namespace DiffusionFramework.Tests.Image;

public sealed class SuperResolverTests
{
    private static DiffusionModel Model(string json) =>
        DiffusionModel.Create(new ImageModality(), new ImagePlugin().Info, torch.CPU, JsonNode.Parse(json)!.AsObject());

    private const string ResidualSr =
        """{"image_size": 8, "scale": 2, "residual_scale": 8, "num_classes": 0, "model_channels": 16, "num_head_channels": 16, "norm_groups": 8, "num_res_blocks": 1}""";

    [Fact]
    public void AveragesSamplesPerImageAndCropsNonSquareInputsToScaleTimesTheirSize()
    {
        using DiffusionModel model = Model(ResidualSr);
        using var scope = torch.NewDisposeScope();
        torch.Tensor low = torch.rand(2, 1, 5, 7, generator: new torch.Generator(3)) * 2 - 1;
        var sampling = new SuperResolutionSampling { Sampler = "ddim", Steps = 2, Seed = 4 };

        torch.Tensor one = SuperResolver.Upscale(model, low, sampling);
        torch.Tensor mean = SuperResolver.Upscale(model, low, sampling with { SamplesPerImage = 3 });

        Assert.Equal(new long[] { 2, 1, 10, 14 }, one.shape);
        Assert.Equal(new long[] { 2, 1, 10, 14 }, mean.shape);
        Assert.True(one.abs().max().item<float>() <= 1f);
        // The same seed gives the same single sample; averaging three changes it.
        Assert.True(one.eq(SuperResolver.Upscale(model, low, sampling)).all().item<bool>());
        Assert.False(one.allclose(mean, atol: 1e-4));
    }

    [Fact]
    public void RefusesGenerativeModelsAndImagesOfOtherChannels()
    {
        using DiffusionModel digits = Model("""{"model_channels": 16, "num_head_channels": 16, "norm_groups": 8, "num_res_blocks": 1}""");
        using DiffusionModel sr = Model(ResidualSr);
        using var scope = torch.NewDisposeScope();
        var sampling = new SuperResolutionSampling { Steps = 2 };

        Assert.Contains("not a super-resolution", Assert.Throws<ArgumentException>(
            () => SuperResolver.Upscale(digits, torch.zeros(1, 1, 4, 4), sampling)).Message);
        Assert.Contains("[B, 1, h, w]", Assert.Throws<ArgumentException>(
            () => SuperResolver.Upscale(sr, torch.zeros(1, 3, 4, 4), sampling)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(
            () => SuperResolver.Upscale(sr, torch.zeros(1, 1, 4, 4), sampling with { SamplesPerImage = 0 }));
    }
}
