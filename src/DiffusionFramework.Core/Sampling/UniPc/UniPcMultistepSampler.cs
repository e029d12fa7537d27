using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Schedules;

namespace DiffusionFramework.Core.Sampling;

/// <summary>
/// UniPC (Zhao et al. 2023, "UniPC: A Unified Predictor-Corrector Framework for Fast Sampling of Diffusion Models",
/// arXiv 2302.04867): the multistep predictor UniP-p with the corrector UniC-p, B(h) = e^h - 1 (bh2) or h (bh1), on
/// the data prediction (predict_x0, default) or the noise prediction; numbers as diffusers'
/// <c>UniPCMultistepScheduler</c> (without <c>solver_p</c>).
/// </summary>
/// <remarks>
/// Config keys: the noise schedule, <c>prediction_type</c>, <c>solver_order</c> (default 2), <c>solver_type</c>,
/// <c>predict_x0</c>, <c>lower_order_final</c>, <c>disable_corrector</c>, <c>timestep_spacing</c> (default
/// linspace), <c>steps_offset</c>, <c>final_sigmas_type</c>, <c>use_karras_sigmas</c>, <c>use_exponential_sigmas</c>,
/// <c>rescale_betas_zero_snr</c> and <c>thresholding</c>. Where diffusers would turn a bh1 step onto a final σ of 0
/// into NaN (it multiplies B(h) = -∞ by a zero correction) this sampler takes the plain first-order step.
/// </remarks>
public sealed class UniPcMultistepSampler : ISampler
{
    /// <inheritdoc />
    public string Name => "unipc";

    /// <inheritdoc />
    public IReadOnlyList<string> Aliases { get; } = ["UniPCMultistepScheduler", "unipc_multistep", "uni_pc"];

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
        var settings = UniPcSettings.FromConfig(config);
        var schedule = NoiseSchedule.FromConfig(config);
        SamplerGuards.RequireSteps(numInferenceSteps, schedule.NumTrainTimesteps);
        return new UniPcMultistepRun(
            VpSigmaGrid.Build(config, schedule.AlphasCumprod, numInferenceSteps, VpGridRules.UniPc), settings);
    }
}
