using System.Text.Json.Nodes;
using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Networks;
using DiffusionFramework.Core.Noise;
using DiffusionFramework.Image.Data;
using DiffusionFramework.Image.Evaluation;
using DiffusionFramework.Image.Input;
using DiffusionFramework.Image.Network;
using DiffusionFramework.Image.Output;
using TorchSharp;

namespace DiffusionFramework.Image;

/// <summary>
/// Images: square grey or RGB samples [C, S, S] in [-1, 1], denoised by the engine's U-Net; the built-in 8x8 digits,
/// image folders (class sub-folders) and super-resolution patches as data; PNG grids and files as output; PNG, JPEG,
/// BMP and GIF files as input for img2img, inpainting and super-resolution. Configuration keys: <see cref="ImageConfig"/>.
/// </summary>
public sealed class ImageModality : IModality
{
    /// <inheritdoc />
    public string Name => "image";

    /// <inheritdoc />
    public string Description =>
        "Images (grey or RGB) with a U-Net: class-conditional digits, image folders, super-resolution, inpainting, img2img";

    /// <summary>
    /// The class-conditional digits model: 8x8 grey, model_channels 64, channel_mult [1, 2], two residual blocks per
    /// level, attention at the 4x4 level, ten classes (+ the null class), dropout 0.1, epsilon prediction.
    /// </summary>
    public JsonObject DefaultNetworkConfig() => new ImageConfig
    {
        ImageSize = DigitsData.Size,
        Channels = 1,
        Network = new UNetConfig
        {
            InChannels = 1,
            OutChannels = 1,
            ModelChannels = 64,
            ChannelMult = [1, 2],
            NumResBlocks = 2,
            AttentionResolutions = [2],
            NumClasses = DigitsData.ClassCount,
            Dropout = 0.1,
        },
    }.ToJson();

    /// <summary>
    /// 800 steps of 64 digits at a peak learning rate of 5e-4: measured at 1.2-1.4 s per step on one busy core of the
    /// 2-core development machine (the default network, batch 64), about 15 minutes.
    /// </summary>
    public TrainingDefaults TrainingDefaults { get; } = new(Steps: 800, BatchSize: 64, LearningRate: 5e-4, WarmupSteps: 50);

    /// <inheritdoc />
    public long[] SampleShape(JsonObject networkConfig)
    {
        ImageConfig config = ImageConfig.FromJson(networkConfig);
        return [config.Channels, config.ImageSize, config.ImageSize];
    }

    /// <inheritdoc />
    public IDenoiser CreateDenoiser(JsonObject networkConfig, torch.Device device) =>
        new UNetDenoiser(ImageConfig.FromJson(networkConfig), device);

    /// <summary>Standard Gaussian noise N(0, I), the engine's (drawn on the generator's device).</summary>
    public INoiseSampler NoiseSampler => GaussianNoiseSampler.Instance;

    /// <summary>
    /// Null: the built-in digits' training split (labelled for a class-conditional model). A folder: its images, with
    /// class sub-folders for a class-conditional model; for a super-resolution model, random patches of its photos.
    /// </summary>
    public IDiffusionDataset OpenDataset(string? path, JsonObject networkConfig) =>
        ImageDatasets.Open(path, ImageConfig.FromJson(networkConfig));

    /// <summary>
    /// Without the model's configuration only an explicit <c>class</c> can be honoured (its upper bound is checked by
    /// the U-Net); no class means unconditional sampling (the null class). Hosts with a loaded model use the overload
    /// that takes its configuration.
    /// </summary>
    public Conditioning SamplingConditioning(int batchSize, IReadOnlyDictionary<string, string> options, torch.Device device) =>
        ClassLabels.ForUnknownModel(batchSize, options, device);

    /// <summary>The option <c>class</c> (see <see cref="ClassLabels"/>); without it a class-conditional model cycles
    /// through its classes.</summary>
    public Conditioning SamplingConditioning(int batchSize, IReadOnlyDictionary<string, string> options,
        JsonObject networkConfig, torch.Device device) =>
        ClassLabels.ForSampling(ImageConfig.FromJson(networkConfig), batchSize, options, device);

    /// <inheritdoc />
    public IReadOnlyList<IMetric> CreateMetrics(JsonObject networkConfig)
    {
        ImageConfig config = ImageConfig.FromJson(networkConfig);
        // The digits classifier judges 8x8 grey generation models (on the CPU: samples are moved there).
        bool digitsLike = config is { ImageSize: DigitsData.Size, Channels: 1, IsSuperResolution: false };
        return digitsLike ? DigitsMetrics.Create(torch.CPU) : [];
    }

    /// <inheritdoc />
    public ISampleWriter Writer { get; } = new ImageSampleWriter();

    /// <inheritdoc />
    public ISampleReader Reader { get; } = new ImageSampleReader();
}
