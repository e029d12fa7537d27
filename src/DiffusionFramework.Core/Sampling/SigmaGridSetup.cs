using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Schedules;

namespace DiffusionFramework.Core.Sampling;

/// <summary>The checks and schedule every k-diffusion-port sampler runs in <see cref="ISampler.CreateRun"/>.</summary>
internal static class SigmaGridSetup
{
    /// <summary>
    /// Checks the step count and prediction type of <paramref name="config"/> for <paramref name="sampler"/> and builds
    /// its noise schedule, before any other work.
    /// </summary>
    /// <exception cref="ArgumentException">A bad step count, an unsupported prediction type or schedule.</exception>
    public static (PredictionType Prediction, NoiseSchedule Schedule) Prepare(ISampler sampler, SchedulerConfig config,
        int numInferenceSteps)
    {
        ArgumentNullException.ThrowIfNull(config);
        SamplerGuards.RequireSteps(numInferenceSteps);
        PredictionType prediction = SamplerGuards.RequirePredictionType(sampler, config);

        var schedule = NoiseSchedule.FromConfig(config);
        SamplerGuards.RequireSteps(numInferenceSteps, schedule.NumTrainTimesteps);
        return (prediction, schedule);
    }

    /// <summary><paramref name="config"/> with diffusers' Heun and KDPM2 defaults for missing betas: beta_start
    /// 0.00085, beta_end 0.012 (the other schedulers default to 0.0001 and 0.02).</summary>
    public static SchedulerConfig WithStableDiffusionBetas(SchedulerConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config with { BetaStart = config.BetaStart ?? 0.00085, BetaEnd = config.BetaEnd ?? 0.012 };
    }
}
