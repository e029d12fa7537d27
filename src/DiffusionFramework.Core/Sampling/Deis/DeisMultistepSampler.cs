using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Schedules;

namespace DiffusionFramework.Core.Sampling;

/// <summary>
/// Diffusion Exponential Integrator Sampler (Zhang and Chen 2022, "Fast Sampling of Diffusion Models with Exponential
/// Integrator", arXiv 2204.13902), multistep log-ρ variant of orders 1-3 (<see cref="DeisLogRhoUpdate"/>); numbers as
/// diffusers' <c>DEISMultistepScheduler</c>.
/// </summary>
/// <remarks>
/// Config keys: the noise schedule, <c>prediction_type</c>, <c>solver_order</c> (default 2),
/// <c>algorithm_type</c> ("deis"; "dpmsolver"/"dpmsolver++" read as "deis"), <c>solver_type</c> ("logrho"; the
/// other solvers' types read as "logrho"), <c>lower_order_final</c>, <c>timestep_spacing</c> (default linspace),
/// <c>steps_offset</c>, <c>use_karras_sigmas</c>, <c>use_exponential_sigmas</c> and <c>thresholding</c>. The final σ
/// is σ_min, or the last Karras/exponential σ again (diffusers' DEIS has no <c>final_sigmas_type</c>).
/// </remarks>
public sealed class DeisMultistepSampler : ISampler
{
    /// <inheritdoc />
    public string Name => "deis";

    /// <inheritdoc />
    public IReadOnlyList<string> Aliases { get; } = ["DEISMultistepScheduler", "deis_multistep"];

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
        PredictionType prediction = SamplerGuards.RequirePredictionType(this, config);
        if (config.AlgorithmType is not (null or "deis" or "dpmsolver" or "dpmsolver++"))
        {
            throw new ArgumentException(
                $"DEIS sampler: algorithm_type \"{config.AlgorithmType}\" is not supported; use \"deis\".");
        }

        int order = config.SolverOrder ?? 2;
        if (order is < 1 or > 3)
        {
            throw new ArgumentException($"DEIS sampler: solver_order must be 1, 2 or 3, got {order}.");
        }

        if (config.UseFlowSigmas == true)
        {
            throw new ArgumentException("DEIS sampler: use_flow_sigmas is not supported.");
        }

        var schedule = NoiseSchedule.FromConfig(config);
        SamplerGuards.RequireSteps(numInferenceSteps, schedule.NumTrainTimesteps);
        SampleLimits? thresholding =
            config.Thresholding == true ? SampleLimits.FromConfig(config, false) with { ClipSample = false } : null;
        return new DeisMultistepRun(
            VpSigmaGrid.Build(config, schedule.AlphasCumprod, numInferenceSteps, VpGridRules.Deis),
            new SolverOutputTarget(prediction, true, false, thresholding), order, config.LowerOrderFinal ?? true);
    }
}
