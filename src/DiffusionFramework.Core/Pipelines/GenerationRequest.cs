using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Editing;
using DiffusionFramework.Core.Sampling;
using DiffusionFramework.Core.Schedules;
using TorchSharp;

namespace DiffusionFramework.Core.Pipelines;

/// <summary>
/// What to generate and how: sampler, steps, seed, conditioning, guidance and editing (img2img, inpainting). Immutable.
/// Every option is checked by <see cref="DiffusionModel.Generate"/> before any work.
/// </summary>
public sealed record GenerationRequest
{
    /// <summary>Number of samples (the batch size).</summary>
    public int Count { get; init; } = 16;

    /// <summary>Sampler name or alias from <see cref="SamplerRegistry"/> (e.g. "ddim", "DDIMScheduler"); null picks
    /// <see cref="SamplerRegistry.DefaultFor"/> the model's prediction type: ddim, or flow_euler for flow_prediction.</summary>
    public string? Sampler { get; init; }

    /// <summary>Where <see cref="Sampler"/> is looked up; null is <see cref="SamplerRegistry.BuiltIn"/> (a host's
    /// registry also has the samplers plugins add).</summary>
    public SamplerRegistry? Samplers { get; init; }

    /// <summary>Sampler settings for this run (e.g. <c>solver_order</c>, <c>use_karras_sigmas</c>); null uses the model's
    /// <see cref="DiffusionModel.Scheduler"/>. Keep the model's beta schedule: it is what the network was trained on.</summary>
    public SchedulerConfig? Scheduler { get; init; }

    /// <summary>Number of sampling steps (of the whole schedule; img2img runs the last Strength · Steps of them).</summary>
    public int Steps { get; init; } = 50;

    /// <summary>Seed of the run's generator: the same seed and request give the same samples on CPU.</summary>
    public long Seed { get; init; }

    /// <summary>Per-run sampler settings (e.g. DDIM's η).</summary>
    public SamplerRunOptions? RunOptions { get; init; }

    /// <summary>
    /// Conditioning (labels, context, masks); null for unconditional generation. <see cref="Conditioning.Context"/>
    /// reaches every model call: the upsampled low-resolution image for super-resolution, the noisy mel for speech
    /// enhancement, property values for molecules.
    /// </summary>
    public Conditioning? Conditioning { get; init; }

    /// <summary>
    /// Classifier-free guidance scale w (Ho and Salimans 2022, arXiv 2207.12598); ≤ 1 calls the denoiser once,
    /// conditionally. Above 1 the conditioning must carry class labels or a context for the denoiser to drop.
    /// </summary>
    public double GuidanceScale { get; init; } = 1.0;

    /// <summary>Guidance rescale φ in [0, 1] (Lin et al. 2023, arXiv 2305.08891); 0 disables it.</summary>
    public double GuidanceRescale { get; init; }

    /// <summary>Wraps every model call (after classifier-free guidance); null calls it directly.</summary>
    public GuidanceHook? Guidance { get; init; }

    /// <summary>
    /// SDEdit / img2img strength in [0, 1] (<see cref="Img2Img"/>): how far <see cref="InitImage"/> is noised before
    /// sampling. 1 (the default) with no init image is plain generation; 0 returns the init image.
    /// </summary>
    public double Strength { get; init; } = 1.0;

    /// <summary>The input for img2img, a batch that broadcasts to [Count, ...SampleShape]; required when
    /// <see cref="Strength"/> &lt; 1. Also the known data of inpainting when <see cref="KnownImage"/> is null.</summary>
    public torch.Tensor? InitImage { get; init; }

    /// <summary>Inpainting mask, broadcasting to [Count, ...SampleShape]: 1 = regenerate, 0 = keep
    /// (<see cref="Inpainting"/>).</summary>
    public torch.Tensor? Mask { get; init; }

    /// <summary>The data whose unmasked region is kept; null takes <see cref="InitImage"/>.</summary>
    public torch.Tensor? KnownImage { get; init; }

    /// <summary>RePaint resampling for inpainting (<see cref="Editing.RePaint"/>); null replaces the known region
    /// without resampling. Needs <see cref="Mask"/>.</summary>
    public RePaintSettings? RePaint { get; init; }

    /// <summary>Called after every step.</summary>
    public Action<SamplingProgress>? Progress { get; init; }

    /// <summary>Stops the run between steps.</summary>
    public CancellationToken CancellationToken { get; init; }
}
