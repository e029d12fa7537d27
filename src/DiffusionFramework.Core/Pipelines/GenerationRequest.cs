using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Sampling;
using DiffusionFramework.Core.Schedules;

namespace DiffusionFramework.Core.Pipelines;

/// <summary>What to generate and how: sampler, steps, seed, conditioning and guidance. Immutable.</summary>
public sealed record GenerationRequest
{
    /// <summary>Number of samples (the batch size).</summary>
    public int Count { get; init; } = 16;

    /// <summary>Sampler name or alias from <see cref="SamplerRegistry"/> (e.g. "ddim", "DDIMScheduler").</summary>
    public string Sampler { get; init; } = "ddim";

    /// <summary>Where <see cref="Sampler"/> is looked up; null is <see cref="SamplerRegistry.BuiltIn"/> (a host's
    /// registry also has the samplers plugins add).</summary>
    public SamplerRegistry? Samplers { get; init; }

    /// <summary>Sampler settings for this run (e.g. <c>solver_order</c>, <c>use_karras_sigmas</c>); null uses the model's
    /// <see cref="DiffusionModel.Scheduler"/>. Keep the model's beta schedule: it is what the network was trained on.</summary>
    public SchedulerConfig? Scheduler { get; init; }

    /// <summary>Number of sampling steps.</summary>
    public int Steps { get; init; } = 50;

    /// <summary>Seed of the run's generator: the same seed and request give the same samples on CPU.</summary>
    public long Seed { get; init; }

    /// <summary>Per-run sampler settings (e.g. DDIM's η).</summary>
    public SamplerRunOptions? RunOptions { get; init; }

    /// <summary>Conditioning (labels, context, masks); null for unconditional generation.</summary>
    public Conditioning? Conditioning { get; init; }

    /// <summary>Wraps every model call (classifier-free guidance, inpainting); null calls the denoiser directly.</summary>
    public GuidanceHook? Guidance { get; init; }

    /// <summary>Called after every step.</summary>
    public Action<SamplingProgress>? Progress { get; init; }

    /// <summary>Stops the run between steps.</summary>
    public CancellationToken CancellationToken { get; init; }
}
