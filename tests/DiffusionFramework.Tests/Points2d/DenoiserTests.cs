using System.Text.Json.Nodes;
using DiffusionFramework.Abstractions;
using Points2d;
using Points2d.Network;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionFramework.Tests.Points2d;

/// <summary>The MLP denoiser, its config and its timestep embedding.</summary>
public class DenoiserTests
{
    private static readonly Points2dModality Modality = new();

    private static IEnumerable<Device> Devices() => cuda.is_available() ? [CPU, CUDA] : [CPU];

    [Fact]
    public void ForwardKeepsShapeDtypeAndDevice()
    {
        foreach (Device device in Devices())
        {
            using var scope = NewDisposeScope();
            IDenoiser denoiser = Modality.CreateDenoiser(Modality.DefaultNetworkConfig(), device);
            Assert.Equal(PredictionType.Epsilon, denoiser.PredictionType);
            Assert.All(denoiser.Module.parameters(), p => Assert.Equal(device.type, p.device.type));
            Tensor x = randn([5, 2], device: device);
            Tensor t = tensor(new float[] { 0, 10.5f, 250, 999, 500 }, device: device);
            Tensor output = denoiser.Forward(x, t, Conditioning.None);
            Assert.Equal([5, 2], output.shape);
            Assert.Equal(float32, output.dtype);
            Assert.Equal(device.type, output.device.type);
            Assert.True(output.isfinite().all().item<bool>());
            // The timestep matters: the same x at another t gives another output.
            Assert.False(output.allclose(denoiser.Forward(x, t.flip(0), Conditioning.None)));
            denoiser.Module.Dispose();
        }
    }

    [Fact]
    public void StateDictKeysAndShapesFollowTheConfig()
    {
        using var scope = NewDisposeScope();
        var config = new JsonObject { ["hidden"] = 16, ["layers"] = 2, ["time_embedding_dim"] = 8 };
        using var module = (MlpDenoiser)Modality.CreateDenoiser(config, CPU);
        var expected = new Dictionary<string, long[]>
        {
            ["time_embedding.linear_1.weight"] = [16, 8], ["time_embedding.linear_1.bias"] = [16],
            ["time_embedding.linear_2.weight"] = [16, 16], ["time_embedding.linear_2.bias"] = [16],
            ["input_proj.weight"] = [16, 2], ["input_proj.bias"] = [16],
            ["hidden.0.weight"] = [16, 16], ["hidden.0.bias"] = [16],
            ["hidden.1.weight"] = [16, 16], ["hidden.1.bias"] = [16],
            ["output_proj.weight"] = [2, 16], ["output_proj.bias"] = [2],
        };
        Dictionary<string, Tensor> state = module.state_dict();
        Assert.Equal(expected.Keys.Order(), state.Keys.Order());
        Assert.All(expected, e => Assert.Equal(e.Value, state[e.Key].shape));
    }

    [Fact]
    public void PredictionTypeComesFromTheConfig()
    {
        using var scope = NewDisposeScope();
        using var denoiser = (MlpDenoiser)Modality.CreateDenoiser(new JsonObject { ["prediction_type"] = "v_prediction" }, CPU);
        Assert.Equal(PredictionType.VPrediction, denoiser.PredictionType);
    }

    [Theory]
    [InlineData("hidden", "0")]
    [InlineData("hidden", "\"wide\"")]
    [InlineData("layers", "-1")]
    [InlineData("layers", "2.5")]
    [InlineData("time_embedding_dim", "1")]
    [InlineData("prediction_type", "\"flow\"")]
    [InlineData("distribution", "\"checkerboard\"")]
    [InlineData("dataset_size", "0")]
    public void BadConfigValuesNameTheKey(string key, string json)
    {
        var config = new JsonObject { [key] = JsonNode.Parse(json) };
        var error = Assert.Throws<ArgumentException>(() => Modality.CreateDenoiser(config, CPU));
        Assert.StartsWith(key + ":", error.Message);
    }

    [Fact]
    public void DefaultConfigRoundTripsThroughJson()
    {
        JsonObject json = Modality.DefaultNetworkConfig();
        Assert.Equal("two_moons", json["distribution"]!.GetValue<string>());
        Assert.Equal("epsilon", json["prediction_type"]!.GetValue<string>());
        Assert.Equal(Points2dConfig.Default, Points2dConfig.FromJson(json));
        Assert.Equal(Points2dConfig.Default, Points2dConfig.FromJson(new JsonObject()));
        Assert.Equal([2L], Modality.SampleShape(json));
    }

    [Fact]
    public void WrongInputShapesAreRejected()
    {
        using var scope = NewDisposeScope();
        using var denoiser = (MlpDenoiser)Modality.CreateDenoiser(Modality.DefaultNetworkConfig(), CPU);
        Assert.Throws<ArgumentException>(() => denoiser.Forward(zeros(4, 3), zeros(4), Conditioning.None));
        Assert.Throws<ArgumentException>(() => denoiser.Forward(zeros(4, 2), zeros(3), Conditioning.None));
    }
}
