using System.Globalization;
using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Checkpoints;
using DiffusionFramework.Core.Devices;
using DiffusionFramework.Core.Pipelines;
using DiffusionFramework.Image.Codec;
using DiffusionFramework.Image.SuperResolution;
using TorchSharp;

namespace DiffusionFramework.Image.Tasks;

/// <summary>
/// The <c>upscale</c> verb: super-resolves a whole image with a super-resolution checkpoint (SR3, Saharia et al. 2021,
/// arXiv 2104.07636) through <see cref="SuperResolver"/>, at the image's own size.
/// </summary>
public sealed class UpscaleTask : IDiffusionTask
{
    /// <summary>Largest output (width · height) the task makes: 4 megapixels.</summary>
    public const long MaxOutputPixels = 4L << 20;

    /// <inheritdoc />
    public string Name => "upscale";

    /// <inheritdoc />
    public string Modality => "image";

    /// <inheritdoc />
    public string Description => "Super-resolve an image with an image super-resolution checkpoint (writes a PNG)";

    /// <inheritdoc />
    public IReadOnlyList<TaskOption> Options { get; } =
    [
        new("checkpoint", "Checkpoint folder of an image super-resolution model (scale >= 2)", Required: true),
        new("input", "The low-resolution image (PNG, JPEG, BMP, GIF)", Required: true),
        new("out", "The PNG file to write (must not exist)", Required: true),
        new("sampler", "Sampler name", Default: "ddim"),
        new("steps", "Sampling steps", Default: "50"),
        new("seed", "Seed of the run", Default: "0"),
        new("device", $"Device: {DeviceSelector.Choices}", Default: "cpu"),
    ];

    /// <inheritdoc />
    public int Run(TaskInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        string checkpoint = Option(invocation, "checkpoint"), input = Option(invocation, "input"), output = Option(invocation, "out");
        if (File.Exists(output))
            throw new IOException($"{output}: the output file exists; choose another --out");
        var modality = new ImageModality();
        PluginInfo plugin = new ImagePlugin().Info;
        torch.Device device = DeviceSelector.Resolve(invocation.Options.GetValueOrDefault("device") ?? "cpu");
        using DiffusionModel loaded = DiffusionModel.Load(checkpoint, config => Resolve(checkpoint, config, modality, plugin), device);
        ImageConfig sr = ImageConfig.FromJson(loaded.NetworkConfig);
        if (!sr.IsSuperResolution)
            throw new InvalidDataException($"{checkpoint}: not a super-resolution model (scale 0); upscale needs one with scale >= 2");

        PixelImage low = ImageFile.Read(input, sr.Channels, sr.ReadLimits);
        long outWidth = (long)low.Width * sr.Scale, outHeight = (long)low.Height * sr.Scale;
        if (outWidth * outHeight > MaxOutputPixels)
            throw new InvalidDataException(
                $"{input}: {low.Width}x{low.Height} upscaled x{sr.Scale} is {outWidth}x{outHeight}, above the limit of " +
                $"{MaxOutputPixels} output pixels");
        using var scope = torch.NewDisposeScope();
        torch.Tensor upscaled = SuperResolver.Upscale(loaded, PixelTensor.ToTensor([low], device), new SuperResolutionSampling
        {
            Sampler = Option(invocation, "sampler"),
            Steps = int.Parse(Option(invocation, "steps"), CultureInfo.InvariantCulture),
            Seed = long.Parse(Option(invocation, "seed"), CultureInfo.InvariantCulture),
            CancellationToken = cancellationToken,
        });
        ImageFile.WritePng(PixelTensor.ToImages(upscaled)[0], output, overwrite: false);
        invocation.Output.WriteLine($"{output}: {outWidth}x{outHeight} (x{sr.Scale} of {input})");
        return 0;
    }

    private static (IModality, PluginInfo) Resolve(string folder, CheckpointConfig config, IModality modality, PluginInfo plugin) =>
        config.PluginId == plugin.Id && config.Modality == modality.Name
            ? (modality, plugin)
            : throw new InvalidDataException(
                $"{folder}: a checkpoint of plugin '{config.PluginId}' (modality '{config.Modality}'); upscale needs an " +
                $"image super-resolution checkpoint of plugin '{plugin.Id}'");

    private static string Option(TaskInvocation invocation, string name) =>
        invocation.Options.TryGetValue(name, out string? value) && !string.IsNullOrWhiteSpace(value)
            ? value
            : throw new ArgumentException($"upscale: --{name} is required");
}
