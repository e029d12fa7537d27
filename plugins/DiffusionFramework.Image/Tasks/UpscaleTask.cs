using DiffusionFramework.Abstractions;
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
        new("samples-per-image", "Samples averaged (more: closer to the posterior mean, higher PSNR, softer detail)", Default: "1"),
        new("device", $"Device: {DeviceSelector.Choices}", Default: "cpu"),
    ];

    /// <inheritdoc />
    public int Run(TaskInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var arguments = new TaskArguments(Name, invocation);
        string checkpoint = arguments.Required("checkpoint"), input = arguments.Required("input"), output = arguments.Required("out");
        if (File.Exists(output))
            throw new IOException($"{output}: the output file exists; choose another --out");
        var sampling = new SuperResolutionSampling
        {
            Sampler = arguments.Optional("sampler") ?? "ddim",
            Steps = arguments.Int("steps", 50, 1),
            Seed = arguments.Long("seed", 0),
            SamplesPerImage = arguments.Int("samples-per-image", 1, 1),
            CancellationToken = cancellationToken,
        };
        torch.Device device = DeviceSelector.Resolve(arguments.Optional("device") ?? "cpu");
        (DiffusionModel loaded, ImageConfig sr) = SuperResolutionCheckpoint.Load(checkpoint, device, Name);
        using DiffusionModel model = loaded;

        PixelImage low = ImageFile.Read(input, sr.Channels, sr.ReadLimits);
        long outWidth = (long)low.Width * sr.Scale, outHeight = (long)low.Height * sr.Scale;
        if (outWidth * outHeight > MaxOutputPixels)
            throw new InvalidDataException(
                $"{input}: {low.Width}x{low.Height} upscaled x{sr.Scale} is {outWidth}x{outHeight}, above the limit of " +
                $"{MaxOutputPixels} output pixels");
        using var scope = torch.NewDisposeScope();
        torch.Tensor upscaled = SuperResolver.Upscale(model, PixelTensor.ToTensor([low], device), sampling);
        ImageFile.WritePng(PixelTensor.ToImages(upscaled)[0], output, overwrite: false);
        invocation.Output.WriteLine($"{output}: {outWidth}x{outHeight} (x{sr.Scale} of {input})");
        return 0;
    }
}
