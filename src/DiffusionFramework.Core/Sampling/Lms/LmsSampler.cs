using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Schedules;

namespace DiffusionFramework.Core.Sampling;

/// <summary>
/// The linear multistep method on the probability-flow ODE dx/dσ = (x - D(x; σ)) / σ, as Katherine Crowson's
/// k-diffusion implements it (<c>sample_lms</c>, in the ODE form of Karras et al. 2022, arXiv 2206.00364): an
/// Adams–Bashforth step in σ over the last <c>order</c> derivatives, with weights from integrating the Lagrange
/// polynomial through them (<see cref="LmsCoefficients"/>). Numbers as diffusers' <c>LMSDiscreteScheduler</c>.
/// </summary>
/// <remarks>
/// <para>One model call per step; the order is <see cref="SamplerRunOptions.Order"/> (diffusers' <c>step(order=…)</c>,
/// default 4), lowered to i + 1 at step i. Order 1 is Euler's method.</para>
/// <para>Config keys: the noise schedule, <c>prediction_type</c> (epsilon, v_prediction, sample),
/// <c>timestep_spacing</c> (default linspace), <c>steps_offset</c>, <c>use_karras_sigmas</c>,
/// <c>use_exponential_sigmas</c>. Not supported: <c>use_beta_sigmas</c>.</para>
/// </remarks>
public sealed class LmsSampler : ISampler
{
    /// <summary>diffusers' default order of <c>LMSDiscreteScheduler.step</c>.</summary>
    public const int DefaultOrder = 4;

    /// <inheritdoc />
    public string Name => "lms";

    /// <inheritdoc />
    public IReadOnlyList<string> Aliases { get; } = ["LMSDiscreteScheduler", "lms_discrete", "k_lms"];

    /// <inheritdoc />
    public bool IsStochastic => false;

    /// <inheritdoc />
    public IReadOnlyList<PredictionType> SupportedPredictionTypes { get; } =
        [PredictionType.Epsilon, PredictionType.VPrediction, PredictionType.Sample];

    /// <inheritdoc />
    /// <exception cref="ArgumentException">Also when <see cref="SamplerRunOptions.Order"/> is below 1.</exception>
    public ISamplerRun CreateRun(SchedulerConfig config, int numInferenceSteps, SamplerRunOptions? options = null)
    {
        int order = options?.Order ?? DefaultOrder;
        if (order < 1)
        {
            throw new ArgumentException($"LMS sampler: the order must be at least 1, got {order}.", nameof(options));
        }

        (PredictionType prediction, NoiseSchedule schedule) = SigmaGridSetup.Prepare(this, config, numInferenceSteps);
        return new LmsSamplerRun(EulerTimesteps.Build(config, schedule.AlphasCumprod, numInferenceSteps), prediction,
            order);
    }
}
