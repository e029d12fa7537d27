using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Schedules;

namespace DiffusionFramework.Core.Sampling;

/// <summary>
/// The checked config of an EDM run with diffusers' <c>EDMEulerScheduler</c> defaults: σ_min 0.002, σ_max 80,
/// σ_data 0.5, <c>sigma_schedule</c> karras, ρ 7, <c>final_sigmas_type</c> zero, <c>prediction_type</c> epsilon.
/// </summary>
internal sealed record EdmSettings(double SigmaMin, double SigmaMax, double SigmaData, double Rho, string Schedule,
    bool FinalSigmaMin, PredictionType Prediction)
{
    /// <summary>Reads and checks <paramref name="config"/> (its prediction type was checked by
    /// <see cref="SamplerGuards.RequirePredictionType"/>).</summary>
    /// <exception cref="ArgumentException">A σ range, σ_data or ρ that is not positive and finite; the message names
    /// the key.</exception>
    public static EdmSettings From(SchedulerConfig config, string sampler)
    {
        var settings = new EdmSettings(config.SigmaMin ?? 0.002, config.SigmaMax ?? 80.0, config.SigmaData ?? 0.5,
            config.Rho ?? SigmaSpacing.DefaultRho, config.SigmaSchedule ?? "karras",
            (config.FinalSigmasType ?? "zero") == "sigma_min", PredictionTypes.Parse(config.PredictionType ?? "epsilon"));
        RequirePositive(sampler, "sigma_min", settings.SigmaMin);
        RequirePositive(sampler, "sigma_max", settings.SigmaMax);
        RequirePositive(sampler, "sigma_data", settings.SigmaData);
        RequirePositive(sampler, "rho", settings.Rho);
        if (settings.SigmaMax < settings.SigmaMin)
        {
            throw new ArgumentException(
                $"sampler {sampler}: sigma_max {settings.SigmaMax} is below sigma_min {settings.SigmaMin}.");
        }

        return settings;
    }

    private static void RequirePositive(string sampler, string key, double value)
    {
        if (!(value > 0) || !double.IsFinite(value))
        {
            throw new ArgumentException($"sampler {sampler}: {key} must be positive and finite, got {value}.");
        }
    }
}
