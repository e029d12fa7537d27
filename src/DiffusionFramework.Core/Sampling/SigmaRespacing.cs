using DiffusionFramework.Core.Schedules;

namespace DiffusionFramework.Core.Sampling;

/// <summary>
/// The σ respacings that diffusers' σ-space schedulers share (<c>use_karras_sigmas</c>,
/// <c>use_exponential_sigmas</c>) and their final σ (<c>final_sigmas_type</c>).
/// </summary>
internal static class SigmaRespacing
{
    /// <summary>
    /// n noise levels from σ_max down to σ_min with the spacing the config asks for, or null when it asks for none.
    /// <c>sigma_min</c>/<c>sigma_max</c> in the config override the schedule's range.
    /// </summary>
    /// <exception cref="ArgumentException">More than one spacing, or <c>use_beta_sigmas</c> (not supported).</exception>
    public static double[]? Respace(SchedulerConfig config, double sigmaMin, double sigmaMax, int n)
    {
        bool karras = config.UseKarrasSigmas == true;
        bool exponential = config.UseExponentialSigmas == true;
        if (config.UseBetaSigmas == true)
        {
            throw new ArgumentException("scheduler config: use_beta_sigmas is not supported; use use_karras_sigmas or use_exponential_sigmas.");
        }

        if (karras && exponential)
        {
            throw new ArgumentException("scheduler config: only one of use_karras_sigmas and use_exponential_sigmas can be set.");
        }

        sigmaMin = config.SigmaMin ?? sigmaMin;
        sigmaMax = config.SigmaMax ?? sigmaMax;
        return karras ? SigmaSpacing.KarrasSigmas(n, sigmaMin, sigmaMax)
            : exponential ? SigmaSpacing.ExponentialSigmas(n, sigmaMin, sigmaMax)
            : null;
    }

    /// <summary>The σ grid in float32 with the final σ appended: 0 (<c>final_sigmas_type</c> "zero", the default) or
    /// σ of the first training timestep ("sigma_min").</summary>
    public static float[] AppendFinal(SchedulerConfig config, double[] sigmas, IReadOnlyList<float> trainSigmas) =>
        Append(sigmas, (config.FinalSigmasType ?? "zero") == "sigma_min" ? trainSigmas[0] : 0f);

    /// <summary>The σ grid in float32 with <paramref name="last"/> appended.</summary>
    public static float[] Append(double[] sigmas, float last) => [.. sigmas.Select(s => (float)s), last];
}
