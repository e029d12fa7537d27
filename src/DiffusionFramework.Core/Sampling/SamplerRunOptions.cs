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

    /// <summary>
    /// μ of resolution-dependent timestep shifting (flow matching with <c>use_dynamic_shifting</c>: diffusers'
    /// <c>set_timesteps(..., mu=μ)</c>); required there, ignored otherwise. Pipelines compute it from the image
    /// sequence length, see <see cref="FlowMatchEulerSampler.ResolutionShift"/>.
    /// </summary>
    public double? Mu { get; init; }

    /// <summary>
    /// S_churn of Karras et al. 2022, Algorithm 2 (diffusers' <c>step(..., s_churn=)</c>): the noise added before each
    /// step, γ_i = min(S_churn / N, √2 - 1) for σ_i in [S_tmin, S_tmax]. Null means 0 (deterministic).
    /// </summary>
    public double? SChurn { get; init; }

    /// <summary>S_tmin: the smallest σ that gets churn (default 0).</summary>
    public double? STmin { get; init; }

    /// <summary>S_tmax: the largest σ that gets churn (default +∞).</summary>
    public double? STmax { get; init; }

    /// <summary>S_noise: the standard deviation of the churn noise relative to N(0, I) (default 1).</summary>
    public double? SNoise { get; init; }
}
