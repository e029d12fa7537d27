using System.Text.Json.Nodes;
using DiffusionFramework.Core.Networks;

namespace DiffusionFramework.Tests.Networks;

/// <summary>JSON round trip and validation of <see cref="UNetConfig"/>.</summary>
public sealed class UNetConfigTests
{
    [Fact]
    public void ConfigsRoundTripThroughJsonText()
    {
        foreach (UNetConfig config in new[] { new UNetConfig(), UNetTestConfigs.Tiny2d, UNetTestConfigs.Tiny1d with { Dropout = 0.1 } })
        {
            string text = config.ToJson().ToJsonString();
            Assert.Equal(config, UNetConfig.FromJson(JsonNode.Parse(text)!.AsObject()));
        }
    }

    [Fact]
    public void JsonUsesSnakeCaseKeysAndMissingKeysTakeDefaults()
    {
        JsonObject json = UNetTestConfigs.Tiny2d.ToJson();
        Assert.Equal(
            ["dims", "in_channels", "out_channels", "model_channels", "channel_mult", "num_res_blocks", "attention_resolutions",
             "num_head_channels", "dropout", "num_classes", "context_channels", "norm_groups", "use_scale_shift_norm", "time_embed_dim"],
            json.Select(p => p.Key));
        Assert.Equal("[1,2]", json["channel_mult"]!.ToJsonString());
        Assert.Equal(new UNetConfig(), UNetConfig.FromJson(new JsonObject()));
        Assert.Null(new UNetConfig().ToJson()["time_embed_dim"]);
        Assert.Equal(256, new UNetConfig().ResolvedTimeEmbedDim);
        Assert.Equal(128, UNetConfig.FromJson(new JsonObject { ["model_channels"] = 32 }).ResolvedTimeEmbedDim);
    }

    [Fact]
    public void UnknownKeysAreRejectedUnlessTheCallerOwnsThem()
    {
        var json = new JsonObject { ["num_res_block"] = 3, ["prediction_type"] = "epsilon" };
        var error = Assert.Throws<ArgumentException>(() => UNetConfig.FromJson(json, ["prediction_type"]));
        Assert.StartsWith("num_res_block: unknown U-Net setting; known: dims,", error.Message);
        json.Remove("num_res_block");
        Assert.Equal(new UNetConfig(), UNetConfig.FromJson(json, ["prediction_type"]));
        Assert.StartsWith("prediction_type:", Assert.Throws<ArgumentException>(() => UNetConfig.FromJson(json)).Message);
    }

    [Theory]
    [InlineData("dims", "3")]
    [InlineData("dims", "\"2d\"")]
    [InlineData("in_channels", "0")]
    [InlineData("model_channels", "2.5")]
    [InlineData("channel_mult", "[]")]
    [InlineData("channel_mult", "[1, 0]")]
    [InlineData("channel_mult", "2")]
    [InlineData("channel_mult", "[1, 128]")]
    [InlineData("num_res_blocks", "0")]
    [InlineData("attention_resolutions", "[4]")] // two levels: factors 1 and 2 only
    [InlineData("attention_resolutions", "[3]")]
    [InlineData("num_head_channels", "48")] // does not divide 128
    [InlineData("dropout", "1")]
    [InlineData("dropout", "true")]
    [InlineData("num_classes", "-1")]
    [InlineData("context_channels", "-2")]
    [InlineData("norm_groups", "24")] // does not divide 64
    [InlineData("use_scale_shift_norm", "1")]
    [InlineData("time_embed_dim", "0")]
    public void BadValuesNameTheKey(string key, string value)
    {
        var json = new JsonObject { [key] = JsonNode.Parse(value) };
        var error = Assert.Throws<ArgumentException>(() => UNetConfig.FromJson(json));
        Assert.StartsWith(key + ":", error.Message);
    }

    [Fact]
    public void ConstructorValidatesConfigsBuiltInCode()
    {
        var error = Assert.Throws<ArgumentException>(() => new UNet(new UNetConfig { ModelChannels = 40, NormGroups = 32 }));
        Assert.StartsWith("norm_groups: 32 does not divide every channel count (40, 80)", error.Message);
        error = Assert.Throws<ArgumentException>(() => new UNet(new UNetConfig { NumHeadChannels = 24 }));
        Assert.StartsWith("num_head_channels: 24 does not divide the 128 channels", error.Message);
    }
}
