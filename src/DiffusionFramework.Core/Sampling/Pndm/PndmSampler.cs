using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Schedules;

namespace DiffusionFramework.Core.Sampling;

/// <summary>The options of diffusers' <c>PNDMScheduler</c>.</summary>
/// <param name="Prediction">epsilon or v_prediction.</param>
/// <param name="SkipPrkSteps">PLMS only (true), or the pseudo Runge-Kutta warm-up first (false, the default).</param>
/// <param name="FinalAlphaCumprod">ᾱ before the first timestep: 1 (set_alpha_to_one) or ᾱ_0 (the default).</param>
internal sealed record PndmSettings(PredictionType Prediction, bool SkipPrkSteps, float FinalAlphaCumprod);

/// <summary>
/// Pseudo Numerical methods for Diffusion Models (Liu et al. 2022, "Pseudo Numerical Methods for Diffusion Models on
/// Manifolds", arXiv 2202.09778): the linear multistep PLMS and, unless <c>skip_prk_steps</c>, its pseudo
/// Runge-Kutta warm-up; numbers as diffusers' <c>PNDMScheduler</c>. With skip_prk_steps ("plms", as Stable Diffusion
/// configs set it) a run of n steps makes n + 1 model calls (<see cref="PndmTimesteps"/>).
/// </summary>
/// <remarks>
/// Config keys: the noise schedule, <c>prediction_type</c> (epsilon or v_prediction), <c>skip_prk_steps</c> (default
/// false), <c>set_alpha_to_one</c> (default false), <c>timestep_spacing</c> (default leading) and
/// <c>steps_offset</c>. The step to the previous timestep is always T div n, whatever the spacing, as in diffusers.
/// </remarks>
public sealed class PndmSampler : ISampler
{
    /// <inheritdoc />
    public string Name => "pndm";

    /// <inheritdoc />
    public IReadOnlyList<string> Aliases { get; } = ["PNDMScheduler", "plms"];

    /// <inheritdoc />
    public bool IsStochastic => false;

    /// <inheritdoc />
    public IReadOnlyList<PredictionType> SupportedPredictionTypes { get; } =
        [PredictionType.Epsilon, PredictionType.VPrediction];

    /// <inheritdoc />
    public ISamplerRun CreateRun(SchedulerConfig config, int numInferenceSteps, SamplerRunOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        SamplerGuards.RequireSteps(numInferenceSteps);
        PredictionType prediction = SamplerGuards.RequirePredictionType(this, config);

        var schedule = NoiseSchedule.FromConfig(config);
        SamplerGuards.RequireSteps(numInferenceSteps, schedule.NumTrainTimesteps);
        bool skipPrk = config.SkipPrkSteps ?? false;
        long[] timesteps = PndmTimesteps.Build(config, schedule.NumTrainTimesteps, numInferenceSteps, skipPrk);
        float finalAlpha = config.SetAlphaToOne == true ? 1f : schedule.AlphasCumprod[0];
        return new PndmRun(schedule, timesteps, numInferenceSteps, new PndmSettings(prediction, skipPrk, finalAlpha));
    }
}
