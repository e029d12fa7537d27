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
    /// The class-conditional digits model: 8x8 grey, model_channels 32, channel_mult [1, 2], two residual blocks per
    /// level, attention at the 4x4 level, ten classes (+ the null class), dropout 0.1, epsilon prediction. The keys
    /// that follow from <c>channels</c> and <c>scale</c> (in/out/context channels, dims) are left out, so overriding
    /// those two (e.g. <c>--network scale=2</c>) needs nothing else.
    /// </summary>
    public JsonObject DefaultNetworkConfig()
    {
        JsonObject json = new ImageConfig
        {
            ImageSize = DigitsData.Size,
            Channels = 1,
            Network = new UNetConfig
            {
                InChannels = 1,
                OutChannels = 1,
                ModelChannels = 32,
                ChannelMult = [1, 2],
                NumResBlocks = 2,
                AttentionResolutions = [2],
                NumClasses = DigitsData.ClassCount,
                Dropout = 0.1,
            },
        }.ToJson();
        foreach (string derived in ImageConfig.DerivedKeys)
            json.Remove(derived);
        return json;
    }

    /// <summary>
    /// The recipe of the shipped digits model (Models/README.md): 2,000 steps of 128 digits at a peak learning rate of
    /// 1e-3 after 100 warm-up steps; about 0.5 s a step on the 2-core development machine, 15-30 minutes.
    /// </summary>
    public TrainingDefaults TrainingDefaults { get; } = new(Steps: 2000, BatchSize: 128, LearningRate: 1e-3, WarmupSteps: 100);

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
        // The digits classifier judges 8x8 grey generation models, on the samples' device.
        bool digitsLike = config is { ImageSize: DigitsData.Size, Channels: 1, IsSuperResolution: false };
        return digitsLike ? DigitsMetrics.Create() : [];
    }

    /// <inheritdoc />
    public ISampleWriter Writer { get; } = new ImageSampleWriter();

    /// <inheritdoc />
    public ISampleReader Reader { get; } = new ImageSampleReader();
}
