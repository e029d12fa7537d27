using System.Text.Json.Nodes;
using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Editing;
using DiffusionFramework.Core.Guidance;
using DiffusionFramework.Core.Sampling;
using DiffusionFramework.Core.Schedules;
using TorchSharp;

namespace DiffusionFramework.Core.Pipelines;

/// <summary>
/// A diffusion model of one modality, ready to train or to sample: the modality's denoiser on a device, the noise
/// schedule it is trained with, and the configuration that rebuilds it from a checkpoint.
/// </summary>
/// <remarks>The library entry point: <c>DiffusionModel.Create(modality, plugin, device).Generate(new() { Count = 64 })</c>.</remarks>
public sealed partial class DiffusionModel : IDisposable
{
    private DiffusionModel(IModality modality, PluginInfo plugin, JsonObject networkConfig, SchedulerConfig scheduler,
        IDenoiser denoiser, torch.Device device)
    {
        Modality = modality;
        Plugin = plugin;
        NetworkConfig = networkConfig;
        Scheduler = scheduler;
        Denoiser = denoiser;
        Device = device;
    }

    /// <summary>The modality whose data this model generates.</summary>
    public IModality Modality { get; }

    /// <summary>The plugin that provides <see cref="Modality"/> (stored in checkpoints).</summary>
    public PluginInfo Plugin { get; }

    /// <summary>The network hyper-parameters (a copy owned by this model).</summary>
    public JsonObject NetworkConfig { get; }

    /// <summary>The noise schedule and sampler defaults (diffusers scheduler_config keys); its prediction_type is the
    /// denoiser's.</summary>
    public SchedulerConfig Scheduler { get; }

    /// <summary>The network.</summary>
    public IDenoiser Denoiser { get; }

    /// <summary>Where the network's parameters live and samples are made.</summary>
    public torch.Device Device { get; }

    /// <summary>The modality's quality measures for this model's configuration.</summary>
    public IReadOnlyList<IMetric> Metrics => _metrics ??= Modality.CreateMetrics(NetworkConfig);

    private IReadOnlyList<IMetric>? _metrics;

    /// <summary>Shape of one sample, without the batch dimension.</summary>
    public long[] SampleShape => Modality.SampleShape(NetworkConfig);

    /// <summary>
    /// The schedule of a model created without one: diffusers' defaults (linear betas 1e-4 .. 0.02 over 1000 steps,
    /// leading spacing) except <c>clip_sample = false</c>, since only some modalities live in [-1, 1]; an image
    /// modality passes <c>clip_sample = true</c> explicitly.
    /// </summary>
    public static SchedulerConfig DefaultScheduler { get; } = new() { ClipSample = false };

    /// <summary>Builds a freshly initialised model.</summary>
    /// <param name="modality">The modality (from the host: <c>host.GetModality("points2d")</c>).</param>
    /// <param name="plugin">The plugin that registered it.</param>
    /// <param name="device">Where the network lives.</param>
    /// <param name="networkConfig">Hyper-parameters; null takes <see cref="IModality.DefaultNetworkConfig"/>.</param>
    /// <param name="scheduler">Noise schedule; null is <see cref="DefaultScheduler"/>.</param>
    public static DiffusionModel Create(IModality modality, PluginInfo plugin, torch.Device device,
        JsonObject? networkConfig = null, SchedulerConfig? scheduler = null)
    {
        ArgumentNullException.ThrowIfNull(modality);
        ArgumentNullException.ThrowIfNull(plugin);
        ArgumentNullException.ThrowIfNull(device);
        JsonObject network = (JsonObject)(networkConfig ?? modality.DefaultNetworkConfig()).DeepClone();
        IDenoiser denoiser = modality.CreateDenoiser(network, device);
        SchedulerConfig schedule = (scheduler ?? DefaultScheduler) with
        {
            PredictionType = PredictionTypes.ToConfigString(denoiser.PredictionType),
        };
        return new DiffusionModel(modality, plugin, network, schedule, denoiser, device);
    }

    /// <summary>
    /// Generates <see cref="GenerationRequest.Count"/> samples: draws noise from the modality's noise sampler with the
    /// request's seed, starts from x_T (or from the noised init image for img2img), and runs the sampler with the
    /// denoiser under classifier-free guidance, known-region replacement or RePaint as requested. Runs under inference
    /// mode; every tensor is on <see cref="Device"/>.
    /// </summary>
    /// <returns>The samples [Count, ...SampleShape], owned by the caller's dispose scope (if any).</returns>
    /// <exception cref="ArgumentException">Unknown sampler, steps &lt; 1, count &lt; 1, a sampler that cannot step
    /// with the denoiser's prediction type, strength outside [0, 1], an init image, mask or known image whose shape
    /// does not broadcast to the samples, guidance without a condition to drop, bad RePaint settings or a sampler
    /// RePaint cannot resample with; raised before any work.</exception>
    public torch.Tensor Generate(GenerationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        long[] shape = [Math.Max(request.Count, 0), .. SampleShape];
        SamplerRegistry registry = request.Samplers ?? SamplerRegistry.BuiltIn;
        ISampler sampler = GenerationChecks.Check(request, registry, Denoiser.PredictionType, shape);
        Conditioning conditioning = request.Conditioning ?? Conditioning.None;
        Func<torch.Tensor, torch.Tensor, torch.Tensor> model =
            new ClassifierFreeGuidance(request.GuidanceScale, request.GuidanceRescale).Wrap(Denoiser, conditioning);

        using var inference = torch.inference_mode();
        using var scope = torch.NewDisposeScope();
        using ISamplerRun run = sampler.CreateRun(request.Scheduler ?? Scheduler, request.Steps, request.RunOptions);
        Inpainting? inpainting = request.Mask is { } mask
            ? Inpainting.Create(mask.to(Device), OnDevice((request.KnownImage ?? request.InitImage)!), shape)
            : null;
        int begin = request.InitImage is null ? 0 : Img2Img.BeginIndex(run, request.Steps, request.Strength);
        using var generator = new torch.Generator((ulong)request.Seed, Device);
        torch.Tensor noise = Modality.NoiseSampler.Sample(shape, torch.ScalarType.Float32, Device, generator,
            conditioning);
        torch.Tensor start = request.InitImage is { } init
            ? Img2Img.Start(run, OnDevice(init).expand(shape), noise, begin)
            : noise.mul_(run.InitNoiseSigma);
        var options = new SamplingOptions
        {
            NoiseSampler = Modality.NoiseSampler,
            Generator = generator,
            Conditioning = conditioning,
            Guidance = request.Guidance,
            Progress = request.Progress,
            CancellationToken = request.CancellationToken,
            BeginIndex = begin,
        };
        bool training = Denoiser.Module.training;
        Denoiser.Module.eval();
        try
        {
            torch.Tensor samples = inpainting is null ? DiffusionSampling.Sample(run, model, start, options)
                : request.RePaint is { } rePaint ? RePaint.Sample(run, model, start, inpainting, rePaint, options)
                : DiffusionSampling.Sample(run, model, start,
                    options with { AfterStep = inpainting.ReplaceKnown(run, options.CreateStepNoise()) });
            return samples.MoveToOuterDisposeScope();
        }
        finally
        {
            Denoiser.Module.train(training);
        }
    }

    private torch.Tensor OnDevice(torch.Tensor tensor) => tensor.to(torch.ScalarType.Float32, Device);

    /// <summary>Disposes the network.</summary>
    public void Dispose() => Denoiser.Module.Dispose();
}
