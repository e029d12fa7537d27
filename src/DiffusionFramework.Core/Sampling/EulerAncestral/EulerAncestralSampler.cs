using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Schedules;

namespace DiffusionFramework.Core.Sampling;

/// <summary>
/// Ancestral sampling with Euler steps ("Euler a"): each step takes an Euler step of the probability-flow ODE down to
/// σ_down, then adds fresh noise of standard deviation σ_up, so that σ_down² + σ_up² = σ_{i+1}²; Karras et al. 2022,
/// "Elucidating the Design Space of Diffusion-Based Generative Models" (arXiv 2206.00364), sec. 4, in Katherine
/// Crowson's k-diffusion form (<c>sample_euler_ancestral</c>, η = 1). Numbers as diffusers'
/// <c>EulerAncestralDiscreteScheduler</c>.
/// </summary>
/// <remarks>
/// Config keys: the noise schedule (with <c>rescale_betas_zero_snr</c>), <c>prediction_type</c> (epsilon,
/// v_prediction; sample also works here, where diffusers raises), <c>timestep_spacing</c> (default linspace),
/// <c>steps_offset</c>. diffusers' scheduler has no σ respacing; <c>use_karras_sigmas</c> and
/// <c>use_exponential_sigmas</c> are honoured here as in <see cref="EulerSampler"/>. Stochastic: every step draws
/// one noise tensor through <see cref="StepNoise"/>, the last one too (with σ_up = 0), as diffusers does.
/// </remarks>
public sealed class EulerAncestralSampler : ISampler
{
    /// <inheritdoc />
    public string Name => "euler_a";

    /// <inheritdoc />
    public IReadOnlyList<string> Aliases { get; } =
        ["EulerAncestralDiscreteScheduler", "euler_ancestral", "euler_ancestral_discrete"];

    /// <inheritdoc />
    public bool IsStochastic => true;

    /// <inheritdoc />
    public IReadOnlyList<PredictionType> SupportedPredictionTypes { get; } =
        [PredictionType.Epsilon, PredictionType.VPrediction, PredictionType.Sample];

    /// <inheritdoc />
    public ISamplerRun CreateRun(SchedulerConfig config, int numInferenceSteps, SamplerRunOptions? options = null)
    {
        (PredictionType prediction, NoiseSchedule schedule) = SigmaGridSetup.Prepare(this, config, numInferenceSteps);
        return new EulerAncestralSamplerRun(EulerTimesteps.Build(config, schedule.AlphasCumprod, numInferenceSteps),
            prediction);
    }
}
