using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Schedules;

namespace DiffusionFramework.Core.Sampling;

/// <summary>
/// Euler's method on the probability-flow ODE in σ-space, dx/dσ = (x - D(x; σ)) / σ: Karras et al. 2022,
/// "Elucidating the Design Space of Diffusion-Based Generative Models" (arXiv 2206.00364), Algorithm 2 without churn
/// (S_churn = 0); numbers as diffusers' <c>EulerDiscreteScheduler</c>.
/// </summary>
/// <remarks>
/// Config keys: the noise schedule, <c>prediction_type</c>, <c>timestep_spacing</c> (default linspace),
/// <c>steps_offset</c>, <c>use_karras_sigmas</c>, <c>use_exponential_sigmas</c>, <c>sigma_min</c>,
/// <c>sigma_max</c>, <c>final_sigmas_type</c>, <c>timestep_type</c>. Not supported: <c>use_beta_sigmas</c>,
/// <c>interpolation_type</c> log_linear.
/// </remarks>
public sealed class EulerSampler : ISampler
{
    /// <inheritdoc />
    public string Name => "euler";

    /// <inheritdoc />
    public IReadOnlyList<string> Aliases { get; } = ["EulerDiscreteScheduler", "euler_discrete"];

    /// <inheritdoc />
    public bool IsStochastic => false;

    /// <inheritdoc />
    public IReadOnlyList<PredictionType> SupportedPredictionTypes { get; } =
        [PredictionType.Epsilon, PredictionType.VPrediction, PredictionType.Sample];

    /// <inheritdoc />
    public ISamplerRun CreateRun(SchedulerConfig config, int numInferenceSteps, SamplerRunOptions? options = null)
    {
        (PredictionType prediction, NoiseSchedule schedule) = SigmaGridSetup.Prepare(this, config, numInferenceSteps);
        return new EulerSamplerRun(EulerTimesteps.Build(config, schedule.AlphasCumprod, numInferenceSteps), prediction);
    }
}
