using DiffusionFramework.Core.Schedules;

namespace DiffusionFramework.Core.Sampling;

/// <summary>
/// The timesteps and noise levels of diffusers' <c>EulerDiscreteScheduler.set_timesteps</c>: timesteps spaced by
/// <c>timestep_spacing</c> (float32), σ interpolated linearly between training timesteps, optionally respaced
/// (Karras or exponential) with timesteps mapped back through log σ, and a final σ of 0 or σ_min. Euler ancestral,
/// Heun, KDPM2 and LMS build the same grid (their second-order variants then repeat or interpolate it).
/// </summary>
internal static class EulerTimesteps
{
    /// <summary>Builds the grid of a run of <paramref name="n"/> steps.</summary>
    /// <param name="config">The scheduler config.</param>
    /// <param name="alphasCumprod">alphā of the training timesteps.</param>
    /// <param name="n">The number of inference steps.</param>
    /// <param name="respacedTimestep">How a sampler stores the timestep of a respaced σ (Karras, exponential);
    /// default: rounded to float32, as Euler, Heun and LMS store it.</param>
    /// <exception cref="ArgumentException">A config value the Euler sampler does not support.</exception>
    public static SigmaSchedule Build(SchedulerConfig config, IReadOnlyList<float> alphasCumprod, int n,
        Func<double, double>? respacedTimestep = null)
    {
        respacedTimestep ??= t => (float)t;
        string spacing = config.TimestepSpacing ?? "linspace";
        float[] trainSigmas = SigmaTimestepMap.TrainingSigmas(SigmaTimestepMap.SigmaSpaceAlphasCumprod(alphasCumprod));
        double[] timesteps = Spaced(spacing, trainSigmas.Length, n, config.StepsOffset ?? 0);
        if ((config.InterpolationType ?? "linear") != "linear")
        {
            throw new ArgumentException(
                $"Euler sampler: interpolation_type \"{config.InterpolationType}\" is not supported; use \"linear\".");
        }

        double[] sigmas = Array.ConvertAll(timesteps, t => SigmaTimestepMap.SigmaAt(trainSigmas, t));
        if (SigmaRespacing.Respace(config, sigmas[^1], sigmas[0], n) is { } respaced)
        {
            float[] logSigmas = SigmaTimestepMap.LogSigmas(trainSigmas);
            sigmas = respaced;
            timesteps = Array.ConvertAll(sigmas, s => respacedTimestep(SigmaTimestepMap.TimestepOf(s, logSigmas)));
        }

        float[] grid = SigmaRespacing.AppendFinal(config, sigmas, trainSigmas);
        if (config.TimestepType == "continuous" && config.PredictionType == "v_prediction")
        {
            // c_noise = ln(σ)/4 of Karras et al. 2022, table 1, in float32.
            timesteps = Array.ConvertAll(grid[..^1], s => (double)(0.25f * MathF.Log(s)));
        }

        float sigmaMax = grid.Max();
        double initNoiseSigma = spacing is "linspace" or "trailing" ? sigmaMax : MathF.Sqrt(sigmaMax * sigmaMax + 1f);
        return new SigmaSchedule(timesteps, grid, initNoiseSigma);
    }

    /// <summary>Descending float32 timesteps: linspace over [0, T-1]; leading i·(T div n) + offset; trailing
    /// round(T - i·T/n) - 1.</summary>
    private static double[] Spaced(string spacing, int trainSteps, int n, int stepsOffset) => spacing switch
    {
        "linspace" => TimestepSpacing.NumpyLinspace(0, trainSteps - 1, n).Reverse().Select(t => (double)(float)t).ToArray(),
        "leading" => Enumerable.Range(0, n).Reverse()
            .Select(i => (double)((float)Math.Round((double)i * (trainSteps / n)) + stepsOffset)).ToArray(),
        "trailing" => Array.ConvertAll(TimestepSpacing.NumpyArange(trainSteps, 0, -(double)trainSteps / n),
            t => (double)((float)Math.Round(t) - 1f)),
        _ => throw new ArgumentException($"Euler sampler: unknown timestep_spacing \"{spacing}\"."),
    };
}
