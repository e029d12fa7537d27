using System.Globalization;
using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Devices;
using DiffusionFramework.Core.Pipelines;
using DiffusionFramework.Image.Evaluation;
using DiffusionFramework.Image.SuperResolution;
using TorchSharp;

namespace DiffusionFramework.Image.Tasks;

/// <summary>
/// The <c>eval-upscale</c> verb: measures a super-resolution checkpoint (through <see cref="SuperResolver"/>) against
/// bicubic upsampling on held-out patches with <see cref="SuperResolutionEvaluation"/>, prints the PSNR/SSIM table,
/// the paired gains with 95% confidence half-widths and the win fractions, and optionally writes the per-patch CSV.
/// </summary>
public sealed class EvalUpscaleTask : IDiffusionTask
{
    private static readonly SuperResolutionEvaluationOptions Defaults = new();

    /// <inheritdoc />
    public string Name => "eval-upscale";

    /// <inheritdoc />
    public string Modality => "image";

    /// <inheritdoc />
    public string Description => "Score a super-resolution checkpoint against bicubic upsampling (PSNR, SSIM) on held-out photo patches";

    /// <inheritdoc />
    public IReadOnlyList<TaskOption> Options { get; } =
    [
        new("checkpoint", "Checkpoint folder of an image super-resolution model (scale >= 2)", Required: true),
        new("data", "Folder of held-out photos (not used in training), each at least image_size a side", Required: true),
        new("patches", "Number of held-out patches", Default: Defaults.Patches.ToString(CultureInfo.InvariantCulture)),
        new("batch", "Patches upscaled together", Default: Defaults.BatchSize.ToString(CultureInfo.InvariantCulture)),
        new("seed", "Seed of the patch positions and of the sampling", Default: "0"),
        new("sampler", "Sampler name", Default: "ddim"),
        new("steps", "Sampling steps", Default: "50"),
        new("samples-per-image", "Samples averaged per patch", Default: "1"),
        new("device", $"Device: {DeviceSelector.Choices}", Default: "cpu"),
        new("csv", "Per-patch CSV file to write (must not exist)"),
    ];

    /// <inheritdoc />
    public int Run(TaskInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var arguments = new TaskArguments(Name, invocation);
        string checkpoint = arguments.Required("checkpoint"), data = arguments.Required("data");
        string? csv = arguments.Optional("csv");
        var options = new SuperResolutionEvaluationOptions
        {
            Patches = arguments.Int("patches", Defaults.Patches, 1),
            BatchSize = arguments.Int("batch", Defaults.BatchSize, 1),
            Seed = arguments.Long("seed", 0),
        };
        var sampling = new SuperResolutionSampling
        {
            Sampler = arguments.Optional("sampler") ?? "ddim",
            Steps = arguments.Int("steps", 50, 1),
            SamplesPerImage = arguments.Int("samples-per-image", 1, 1),
            CancellationToken = cancellationToken,
        };
        if (csv is not null && File.Exists(csv))
            throw new IOException($"{csv}: the CSV file exists; choose another --csv");
        if (!Directory.Exists(data))
            throw new DirectoryNotFoundException($"{data}: folder of held-out photos not found");
        torch.Device device = DeviceSelector.Resolve(arguments.Optional("device") ?? "cpu");
        (DiffusionModel loaded, ImageConfig config) = SuperResolutionCheckpoint.Load(checkpoint, device, Name);
        using DiffusionModel model = loaded;

        TextWriter log = invocation.Output;
        long offset = 0;
        torch.Tensor Upscale(torch.Tensor lowRes)
        {
            // Each batch samples with seed + its first patch index, so no two batches share noise.
            torch.Tensor images = SuperResolver.Upscale(model, lowRes, sampling with { Seed = options.Seed + offset });
            offset += lowRes.shape[0];
            return images;
        }
        SuperResolutionReport report = SuperResolutionEvaluation.Run(data, config, options, Upscale, device,
            (done, total) => log.WriteLine($"patches {done}/{total}"), cancellationToken);
        if (csv is not null)
            SuperResolutionCsv.Write(csv, report);

        log.WriteLine($"eval-upscale: {checkpoint}, {options.Patches} patches of {config.ImageSize}x{config.ImageSize} " +
                      $"(x{config.Scale} from {config.ImageSize / config.Scale}x{config.ImageSize / config.Scale}) of " +
                      $"{report.Photos.Count} photos in {data}, patch seed {options.Seed}");
        log.WriteLine($"sampler {sampling.Sampler}, {sampling.Steps} steps, {sampling.SamplesPerImage} sample(s) per patch, " +
                      $"sampling seed {options.Seed} (+ first patch index per batch of {options.BatchSize}), device {device}");
        log.WriteLine($"scored on 8-bit {(config.Channels == 3 ? "luminance Y (BT.601, 16..235)" : "grey levels")}, " +
                      $"{config.Scale}-pixel border shaved, data range 255, PSNR capped at {SuperResolutionScoring.PsnrCap} dB");
        SuperResolutionReportTable.Write(log, report);
        if (csv is not null)
            log.WriteLine($"per-patch scores: {Path.GetFullPath(csv)}");
        return 0;
    }
}
