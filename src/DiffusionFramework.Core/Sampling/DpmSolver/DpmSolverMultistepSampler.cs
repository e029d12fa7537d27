using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Schedules;

namespace DiffusionFramework.Core.Sampling;

/// <summary>
/// Multistep DPM-Solver++ (Lu et al. 2022, "DPM-Solver++: Fast Solver for Guided Sampling of Diffusion Probabilistic
/// Models", arXiv 2211.01095) and DPM-Solver (Lu et al. 2022, arXiv 2206.00927), orders 1-3, midpoint or Heun
/// second-order rule, ODE or SDE; numbers as diffusers' <c>DPMSolverMultistepScheduler</c>. <c>algorithm_type</c>
/// in the config chooses DPM-Solver++ ("dpmsolver++", the default), DPM-Solver ("dpmsolver") or their stochastic
/// variants "sde-dpmsolver++" (DPM++ 2M SDE) and "sde-dpmsolver", which draw noise through the run's
/// <see cref="StepNoise"/>.
/// </summary>
/// <remarks>
/// Config keys: the noise schedule, <c>prediction_type</c>, <c>solver_order</c>, <c>algorithm_type</c>,
/// <c>solver_type</c>, <c>lower_order_final</c>, <c>euler_at_final</c>, <c>final_sigmas_type</c>,
/// <c>timestep_spacing</c>, <c>steps_offset</c>, <c>lambda_min_clipped</c>, <c>use_karras_sigmas</c>,
/// <c>use_exponential_sigmas</c>, <c>use_lu_lambdas</c>, <c>thresholding</c> (with
/// <c>dynamic_thresholding_ratio</c>, <c>sample_max_value</c>) and <c>variance_type</c>. Not supported:
/// <c>use_beta_sigmas</c>, <c>use_flow_sigmas</c>, and order 3 with "sde-dpmsolver" (diffusers has no such update).
/// <see cref="IsStochastic"/> describes the default (ODE) config; see <see cref="SdeDpmSolverMultistepSampler"/>.
/// </remarks>
public sealed class DpmSolverMultistepSampler : ISampler
{
    /// <inheritdoc />
    public string Name => "dpmsolver++";

    /// <inheritdoc />
    public IReadOnlyList<string> Aliases { get; } =
        ["DPMSolverMultistepScheduler", "dpm++2m", "dpmpp_2m", "dpm_solver_multistep"];

    /// <inheritdoc />
    public bool IsStochastic => false;

    /// <inheritdoc />
    public IReadOnlyList<PredictionType> SupportedPredictionTypes { get; } =
        [PredictionType.Epsilon, PredictionType.VPrediction, PredictionType.Sample];

    /// <inheritdoc />
    public ISamplerRun CreateRun(SchedulerConfig config, int numInferenceSteps, SamplerRunOptions? options = null)
    {
        SamplerGuards.RequireSteps(numInferenceSteps);
        SamplerGuards.RequirePredictionType(this, config);
        return Create(config, numInferenceSteps);
    }

    /// <summary>Builds a run for <paramref name="config"/> as it stands.</summary>
    internal static ISamplerRun Create(SchedulerConfig config, int numInferenceSteps)
    {
        ArgumentNullException.ThrowIfNull(config);
        SamplerGuards.RequireSteps(numInferenceSteps);
        var settings = DpmSolverSettings.FromConfig(config);
        var schedule = NoiseSchedule.FromConfig(config);
        SamplerGuards.RequireSteps(numInferenceSteps, schedule.NumTrainTimesteps);
        return new DpmSolverMultistepRun(
            VpSigmaGrid.Build(config, schedule.AlphasCumprod, numInferenceSteps, VpGridRules.DpmSolverMultistep),
            settings);
    }
}
