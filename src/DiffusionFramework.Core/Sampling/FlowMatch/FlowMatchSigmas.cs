using DiffusionFramework.Core.Schedules;

namespace DiffusionFramework.Core.Sampling;

/// <summary>
/// The grid of diffusers' <c>FlowMatchEulerDiscreteScheduler.set_timesteps</c> for the rectified-flow path
/// x_σ = (1 - σ) x0 + σ ε (Esser et al. 2024, "Scaling Rectified Flow Transformers", arXiv 2403.03206): N levels
/// evenly spaced between the (shifted) training σ_max and σ_min, then in double the shift σ' = sσ / (1 + (s - 1)σ)
/// (eq. 23) or, with dynamic shifting, e^μ / (e^μ + 1/σ - 1) ("exponential") or μ / (μ + 1/σ - 1) ("linear");
/// optionally stretched to end at <c>shift_terminal</c>, respaced (Karras, exponential or beta), rounded to float32,
/// optionally inverted (1 - σ) and closed with σ = 0 (1 when inverted). Timesteps are σ·T in float32.
/// </summary>
internal static class FlowMatchSigmas
{
    /// <summary>The grid of a run of <paramref name="n"/> steps.</summary>
    public static SigmaSchedule Build(FlowMatchSettings settings, int n)
    {
        int trainSteps = settings.NumTrainTimesteps;
        (float trainMax, float trainMin) = TrainingRange(settings);
        double[] sigmas = Array.ConvertAll(
            TimestepSpacing.NumpyLinspace((double)trainMax * trainSteps, (double)trainMin * trainSteps, n),
            t => t / trainSteps);
        Converter<double, double> shift = settings.Mu is { } mu
            ? s => DynamicShift(settings.LinearTimeShift, mu, s)
            : s => Shift(settings.Shift, s);
        sigmas = Array.ConvertAll(sigmas, shift);
        if (settings.ShiftTerminal is { } terminal and not 0)
        {
            double scale = (1 - sigmas[^1]) / (1 - terminal);
            sigmas = Array.ConvertAll(sigmas, s => 1 - (1 - s) / scale);
        }

        sigmas = settings.Respacing switch
        {
            "karras" => SigmaSpacing.KarrasSigmas(n, sigmas[^1], sigmas[0]),
            "exponential" => SigmaSpacing.ExponentialSigmas(n, sigmas[^1], sigmas[0]),
            "beta" => SigmaSpacing.BetaSigmas(n, sigmas[^1], sigmas[0]),
            _ => sigmas,
        };
        float[] grid = Array.ConvertAll(sigmas, s => settings.InvertSigmas ? 1f - (float)s : (float)s);
        double[] timesteps = Array.ConvertAll(grid, s => (double)(s * trainSteps));
        return new SigmaSchedule(timesteps, [.. grid, settings.InvertSigmas ? 1f : 0f], 1.0);
    }

    /// <summary>σ' = sσ / (1 + (s - 1)σ) in double.</summary>
    private static double Shift(double shift, double sigma) => shift * sigma / (1 + (shift - 1) * sigma);

    /// <summary>Resolution-dependent shift: e^μ / (e^μ + 1/σ - 1), or μ / (μ + 1/σ - 1) when linear.</summary>
    private static double DynamicShift(bool linear, double mu, double sigma)
    {
        double numerator = linear ? mu : Math.Exp(mu);
        return numerator / (numerator + (1 / sigma - 1));
    }

    /// <summary>
    /// The training noise levels of diffusers' <c>FlowMatchEulerDiscreteScheduler</c> constructor (its
    /// <c>sigmas</c> before <c>set_timesteps</c>): σ_k = k/T for k = T, T-1, ..., 1 in float32, shifted in float32,
    /// σ' = sσ / (1 + (s - 1)σ), unless shifting is dynamic (then μ shifts only the inference grid).
    /// </summary>
    /// <param name="numTrainTimesteps">T.</param>
    /// <param name="shift">s (positive, finite).</param>
    /// <param name="dynamicShifting">use_dynamic_shifting: leave the levels unshifted.</param>
    /// <returns>T levels, descending from σ = 1.</returns>
    public static float[] TrainingSigmas(int numTrainTimesteps, double shift, bool dynamicShifting)
    {
        var sigmas = new float[numTrainTimesteps];
        for (int i = 0; i < numTrainTimesteps; i++)
        {
            float sigma = (float)(numTrainTimesteps - i) / numTrainTimesteps;
            sigmas[i] = dynamicShifting ? sigma : (float)shift * sigma / (1f + (float)(shift - 1) * sigma);
        }

        return sigmas;
    }

    /// <summary>The largest and smallest training σ (<see cref="TrainingSigmas"/>).</summary>
    private static (float Max, float Min) TrainingRange(FlowMatchSettings settings)
    {
        float[] levels = TrainingSigmas(settings.NumTrainTimesteps, settings.Shift, settings.Mu is not null);
        return (levels[0], levels[^1]);
    }
}
