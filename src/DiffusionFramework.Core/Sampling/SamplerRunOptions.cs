namespace DiffusionFramework.Core.Sampling;

/// <summary>Per-run settings that diffusers passes to <c>set_timesteps</c> or <c>step</c> rather than to the constructor.</summary>
public sealed record SamplerRunOptions
{
    /// <summary>
    /// DDIM's η (Song et al. 2021, eq. 16): 0 is deterministic DDIM, 1 has DDPM's posterior variance.
    /// Null means the sampler's default (0).
    /// </summary>
    public double? Eta { get; init; }

    /// <summary>
    /// The order of a linear multistep sampler (LMS: diffusers' <c>step(..., order=4)</c>), 1 or more. Null means the
    /// sampler's default (LMS: 4).
    /// </summary>
    public int? Order { get; init; }
}
