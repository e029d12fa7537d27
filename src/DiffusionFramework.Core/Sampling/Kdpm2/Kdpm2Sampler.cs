using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Schedules;

namespace DiffusionFramework.Core.Sampling;

/// <summary>
/// The second-order DPM-Solver-2 step in σ-space as Katherine Crowson's k-diffusion implements it
/// (<c>sample_dpm_2</c>; Lu et al. 2022, "DPM-Solver", arXiv 2206.00927, Algorithm 4 with r = ½ in log σ, in the
/// Karras et al. 2022 ODE form, arXiv 2206.00364): an Euler half step to the log-σ midpoint σ̂, then a full step
/// from σ_i with the slope there. Numbers as diffusers' <c>KDPM2DiscreteScheduler</c>.
/// </summary>
/// <remarks>
/// <para>Each of the N steps but the last takes two model calls, so a run has 2N - 1 timesteps (the σ̂ ones are
/// interpolated, see <see cref="Kdpm2Grid"/>) and <see cref="ISamplerRun.Order"/> is 2; the last step (σ̂ = 0) is a
/// plain Euler step to 0.</para>
/// <para>Config keys: the noise schedule (beta_start 0.00085 and beta_end 0.012 by default, as in diffusers),
/// <c>prediction_type</c> (epsilon, v_prediction; sample also works here, where diffusers raises),
/// <c>timestep_spacing</c> (default linspace), <c>steps_offset</c>, <c>use_karras_sigmas</c>,
/// <c>use_exponential_sigmas</c>. Not supported: <c>use_beta_sigmas</c>.</para>
/// <para>With Karras σ on squaredcos_cap_v2 the rounded first timesteps repeat (999, 999); diffusers' timestep lookup
/// then starts at the second one and its last step divides by σ = 0 (NaN). Runs here step by index from 0.</para>
/// </remarks>
public sealed class Kdpm2Sampler : ISampler
{
    /// <inheritdoc />
    public string Name => "kdpm2";

    /// <inheritdoc />
    public IReadOnlyList<string> Aliases { get; } = ["KDPM2DiscreteScheduler", "dpm2", "k_dpm_2"];

    /// <inheritdoc />
    public bool IsStochastic => false;

    /// <inheritdoc />
    public IReadOnlyList<PredictionType> SupportedPredictionTypes { get; } =
        [PredictionType.Epsilon, PredictionType.VPrediction, PredictionType.Sample];

    /// <inheritdoc />
    public ISamplerRun CreateRun(SchedulerConfig config, int numInferenceSteps, SamplerRunOptions? options = null)
    {
        config = SigmaGridSetup.WithStableDiffusionBetas(config);
        (PredictionType prediction, NoiseSchedule schedule) = SigmaGridSetup.Prepare(this, config, numInferenceSteps);
        (SigmaSchedule grid, float[] midpoints) = Kdpm2Grid.Build(config, schedule.AlphasCumprod, numInferenceSteps);
        return new Kdpm2SamplerRun(grid, midpoints, prediction);
    }
}
