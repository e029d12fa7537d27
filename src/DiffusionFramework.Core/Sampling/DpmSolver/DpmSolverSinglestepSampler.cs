using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Schedules;

namespace DiffusionFramework.Core.Sampling;

/// <summary>
/// Singlestep DPM-Solver (Lu et al. 2022, "DPM-Solver: A Fast ODE Solver for Diffusion Probabilistic Model Sampling in
/// Around 10 Steps", arXiv 2206.00927, Algorithms 1-2 with the multistep-free intermediate points taken at the
/// inference timesteps) and DPM-Solver++ (Lu et al. 2022, arXiv 2211.01095, Algorithm 1; "DPM++ 2S"), orders 1-3,
/// midpoint or Heun rule, ODE or SDE ("sde-dpmsolver++"); numbers as diffusers' <c>DPMSolverSinglestepScheduler</c>.
/// </summary>
/// <remarks>
/// Config keys: the noise schedule, <c>prediction_type</c>, <c>solver_order</c>, <c>algorithm_type</c>
/// ("dpmsolver++", "dpmsolver", "sde-dpmsolver++"), <c>solver_type</c>, <c>lower_order_final</c> (default false, but
/// forced on for step counts that are not a multiple of the order and for a final σ of 0),
/// <c>final_sigmas_type</c>, <c>lambda_min_clipped</c>, <c>use_karras_sigmas</c>, <c>use_exponential_sigmas</c>,
/// <c>thresholding</c> and <c>variance_type</c>. Timesteps are always spaced as "linspace" (diffusers' singlestep
/// scheduler has no <c>timestep_spacing</c>). The per-step orders are <see cref="SinglestepOrders"/>.
/// </remarks>
public sealed class DpmSolverSinglestepSampler : ISampler
{
    /// <inheritdoc />
    public string Name => "dpmsolver_singlestep";

    /// <inheritdoc />
    public IReadOnlyList<string> Aliases { get; } =
        ["DPMSolverSinglestepScheduler", "dpm++2s", "dpmpp_2s", "dpm_solver_singlestep"];

    /// <inheritdoc />
    public bool IsStochastic => false;

    /// <inheritdoc />
    public IReadOnlyList<PredictionType> SupportedPredictionTypes { get; } =
        [PredictionType.Epsilon, PredictionType.VPrediction, PredictionType.Sample];

    /// <inheritdoc />
    public ISamplerRun CreateRun(SchedulerConfig config, int numInferenceSteps, SamplerRunOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        SamplerGuards.RequireSteps(numInferenceSteps);
        SamplerGuards.RequirePredictionType(this, config);
        var settings = DpmSolverSettings.FromConfig(config, singlestep: true);
        var schedule = NoiseSchedule.FromConfig(config);
        SamplerGuards.RequireSteps(numInferenceSteps, schedule.NumTrainTimesteps);
        SigmaSchedule grid = VpSigmaGrid.Build(config, schedule.AlphasCumprod, numInferenceSteps,
            VpGridRules.DpmSolverSinglestep);
        int[] orders = SinglestepOrders.Compute(settings.SolverOrder, numInferenceSteps, settings.LowerOrderFinal,
            settings.FinalSigmaZero);
        return new DpmSolverSinglestepRun(grid, settings, orders);
    }
}
