using System.Text.Json.Nodes;
using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Noise;
using DiffusionFramework.Core.Pipelines;
using DiffusionFramework.Core.Training;
using TorchSharp;

namespace DiffusionFramework.Tests.Training;

/// <summary>A trainer built for a modality's model uses the modality's network, data and noise.</summary>
public class TrainerModalityTests
{
    /// <summary>Gaussian noise that counts its calls and remembers the conditioning it was given.</summary>
    private sealed class CountingNoise : INoiseSampler
    {
        public int Calls { get; private set; }
        public Conditioning? LastConditioning { get; private set; }

        public torch.Tensor Sample(long[] shape, torch.ScalarType dtype, torch.Device device, torch.Generator? generator,
            Conditioning? conditioning)
        {
            Calls++;
            LastConditioning = conditioning;
            return GaussianNoiseSampler.Instance.Sample(shape, dtype, device, generator, conditioning);
        }
    }

    private sealed class BlobModality : IModality
    {
        public List<(JsonObject Config, torch.Device Device)> Built { get; } = [];
        public List<string?> Opened { get; } = [];
        public TinyDenoiser? Denoiser { get; private set; }
        public string Name => "blobs";
        public string Description => "two labelled blobs";
        public JsonObject DefaultNetworkConfig() => new() { ["hidden"] = 16 };
        public TrainingDefaults TrainingDefaults => new(10, 8, 1e-3, 0);
        public long[] SampleShape(JsonObject networkConfig) => [2];
        public INoiseSampler NoiseSampler { get; } = new CountingNoise();
        public IReadOnlyList<IMetric> CreateMetrics(JsonObject networkConfig) => [];
        public ISampleWriter Writer => throw new NotSupportedException("the trainer writes no samples");

        public IDenoiser CreateDenoiser(JsonObject networkConfig, torch.Device device)
        {
            Built.Add((networkConfig, device));
            return Denoiser = new TinyDenoiser(PredictionType.Epsilon, TrainerSetup.NumTrainTimesteps, 1,
                (int)networkConfig["hidden"]!);
        }

        public IDiffusionDataset OpenDataset(string? path, JsonObject networkConfig)
        {
            Opened.Add(path);
            return new BlobDataset();
        }

        public Conditioning SamplingConditioning(int batchSize, IReadOnlyDictionary<string, string> options, torch.Device device) =>
            Conditioning.None;
    }

    [Fact]
    public void UsesTheModalitysNetworkDataAndNoise()
    {
        var modality = new BlobModality();
        var options = TrainerOptions.FromDefaults(modality.TrainingDefaults);
        var plugin = new PluginInfo("blobs", "1.0.0", "blobs", "test");
        using (var model = DiffusionModel.Create(modality, plugin, torch.CPU, null, TrainerSetup.Scheduler()))
        using (var trainer = model.CreateTrainer(modality.OpenDataset("data/blobs", model.NetworkConfig), options))
        {
            trainer.Train();
            Assert.Equal(10, trainer.Step);
            Assert.Same(modality.Denoiser, trainer.Denoiser);
        }

        var (config, device) = Assert.Single(modality.Built);
        Assert.Equal(16, (int)config["hidden"]!);
        Assert.Equal(DeviceType.CPU, device.type);
        Assert.Equal(["data/blobs"], modality.Opened);
        var noise = (CountingNoise)modality.NoiseSampler;
        Assert.Equal(10, noise.Calls);
        Assert.NotNull(noise.LastConditioning?.ClassLabels); // the batch's conditioning reaches the noise sampler
        Assert.Equal(10, modality.Denoiser!.Calls.Count);
    }
}
