using System.Text.Json.Nodes;
using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Noise;
using Points2d.Data;
using Points2d.Distributions;
using Points2d.Metrics;
using Points2d.Network;
using Points2d.Output;
using TorchSharp;

namespace Points2d;

/// <summary>
/// 2-D points: toy distributions (two moons, eight Gaussians, swiss roll) or a CSV file, an MLP denoiser, Gaussian
/// noise, sliced Wasserstein and MMD metrics against each built-in distribution, and CSV + SVG output.
/// </summary>
public sealed class Points2dModality : IModality
{
    /// <summary>Seed of the built-in dataset, so that every run trains on the same points.</summary>
    public const ulong DatasetSeed = 20_240_601;

    /// <inheritdoc />
    public string Name => "points2d";

    /// <inheritdoc />
    public string Description => "2-D toy distributions (two moons, 8 Gaussians, swiss roll) with an MLP denoiser";

    /// <inheritdoc />
    public JsonObject DefaultNetworkConfig() => Points2dConfig.Default.ToJson();

    /// <inheritdoc />
    public TrainingDefaults TrainingDefaults { get; } = new(Steps: 2000, BatchSize: 256, LearningRate: 3e-3, WarmupSteps: 100);

    /// <inheritdoc />
    public long[] SampleShape(JsonObject networkConfig)
    {
        Points2dConfig.FromJson(networkConfig);
        return [2];
    }

    /// <inheritdoc />
    public IDenoiser CreateDenoiser(JsonObject networkConfig, torch.Device device) =>
        new MlpDenoiser(Points2dConfig.FromJson(networkConfig), device);

    /// <summary>
    /// Standard Gaussian noise N(0, I) (the ε of Ho et al. 2020), the engine's: drawn on the generator's device and moved
    /// to the requested one, so the trainer's CPU generator works for a CUDA run.
    /// </summary>
    public INoiseSampler NoiseSampler => GaussianNoiseSampler.Instance;

    /// <summary>
    /// With <paramref name="path"/> null, <c>dataset_size</c> points of the configured distribution drawn with
    /// <see cref="DatasetSeed"/>; otherwise the points of the CSV file at <paramref name="path"/>.
    /// </summary>
    public IDiffusionDataset OpenDataset(string? path, JsonObject networkConfig)
    {
        Points2dConfig config = Points2dConfig.FromJson(networkConfig);
        using var scope = torch.NewDisposeScope();
        if (path is not null)
            return new PointsDataset(path, PointsCsv.Read(path));
        using var generator = new torch.Generator(DatasetSeed, torch.CPU);
        torch.Tensor points = ToyDistributions.Get(config.Distribution).Sample(config.DatasetSize, torch.CPU, generator);
        return new PointsDataset($"built-in: {config.Distribution}", points);
    }

    /// <summary>Points take no conditioning; any option is rejected.</summary>
    public Conditioning SamplingConditioning(int batchSize, IReadOnlyDictionary<string, string> options, torch.Device device)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Count > 0)
            throw new ArgumentException(
                $"points2d takes no sampling options, got: {string.Join(", ", options.Keys)}", nameof(options));
        return Conditioning.None;
    }

    /// <summary>Sliced Wasserstein, then MMD, against fresh samples of the configured distribution.</summary>
    public IReadOnlyList<IMetric> CreateMetrics(JsonObject networkConfig)
    {
        IToyDistribution distribution = ToyDistributions.Get(Points2dConfig.FromJson(networkConfig).Distribution);
        return [new SlicedWassersteinMetric(distribution), new MmdMetric(distribution)];
    }

    /// <inheritdoc />
    public ISampleWriter Writer { get; } = new PointsSampleWriter();

    /// <summary>Reads CSV files of points and masks for img2img and inpainting (<see cref="PointsSampleReader"/>).</summary>
    public ISampleReader? Reader { get; } = new PointsSampleReader();
}
