using System.Text.Json.Nodes;
using DiffusionFramework.Abstractions;
using TorchSharp;

namespace GoodTestPlugin;

/// <summary>A modality whose noise is the constant 1.5; what the host tests do not call throws.</summary>
public sealed class ConstantModality : IModality
{
    /// <summary>The Tensor type as this plugin's load context sees it (the host must see the same type).</summary>
    public Type TensorType => typeof(torch.Tensor);

    public string Name => "test-constant";
    public string Description => "Constant noise, for the Hosting tests.";
    public TrainingDefaults TrainingDefaults { get; } = new(Steps: 10, BatchSize: 4, LearningRate: 1e-3, WarmupSteps: 0);
    public INoiseSampler NoiseSampler { get; } = new ConstantNoise();
    public IReadOnlyList<IMetric> CreateMetrics(JsonObject networkConfig) => [];
    public ISampleWriter Writer => throw new NotSupportedException("test modality: no writer");

    public JsonObject DefaultNetworkConfig() => new() { ["dim"] = 3 };

    public long[] SampleShape(JsonObject networkConfig) => [networkConfig["dim"]!.GetValue<int>()];

    public IDenoiser CreateDenoiser(JsonObject networkConfig, torch.Device device) =>
        throw new NotSupportedException("test modality: no denoiser");

    public IDiffusionDataset OpenDataset(string? path, JsonObject networkConfig) =>
        throw new NotSupportedException("test modality: no dataset");

    public Conditioning SamplingConditioning(int batchSize, IReadOnlyDictionary<string, string> options,
        torch.Device device) => Conditioning.None;

    private sealed class ConstantNoise : INoiseSampler
    {
        public torch.Tensor Sample(long[] shape, torch.ScalarType dtype, torch.Device device,
            torch.Generator? generator, Conditioning? conditioning) =>
            torch.full(shape, 1.5, dtype: dtype, device: device);
    }
}
