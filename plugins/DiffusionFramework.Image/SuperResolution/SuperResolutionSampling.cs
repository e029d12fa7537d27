namespace DiffusionFramework.Image.SuperResolution;

/// <summary>How <see cref="SuperResolver"/> samples.</summary>
public sealed record SuperResolutionSampling
{
    /// <summary>Sampler name (any the engine knows).</summary>
    public string Sampler { get; init; } = "ddim";

    /// <summary>Sampling steps.</summary>
    public int Steps { get; init; } = 50;

    /// <summary>Seed of the run.</summary>
    public long Seed { get; init; }

    /// <summary>
    /// Samples drawn per image and averaged. 1 gives one sample of p(HR | LR), sharp but with twice the posterior
    /// variance as squared error; more approach the posterior mean, which PSNR favours (at the cost of sharpness).
    /// </summary>
    public int SamplesPerImage { get; init; } = 1;

    /// <summary>Stops the run between sampler steps.</summary>
    public CancellationToken CancellationToken { get; init; }
}
