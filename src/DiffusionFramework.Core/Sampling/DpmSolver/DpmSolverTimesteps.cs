using DiffusionFramework.Core.Schedules;

namespace DiffusionFramework.Core.Sampling;

/// <summary>
/// The integer timesteps and noise levels of diffusers' <c>DPMSolverMultistepScheduler.set_timesteps</c>:
/// timesteps spaced by <c>timestep_spacing</c> below the λ clip, σ of those timesteps, or a Karras, exponential or
/// uniform-λ respacing with the timesteps mapped back through log σ; then the final σ (0 or σ_min).
/// </summary>
internal static class DpmSolverTimesteps
{
    /// <summary>Builds the grid of a run of <paramref name="n"/> steps.</summary>
    /// <exception cref="ArgumentException">A config value DPM-Solver does not support.</exception>
    public static SigmaSchedule Build(SchedulerConfig config, IReadOnlyList<float> alphasCumprod, int n)
    {
        float[] trainSigmas = SigmaTimestepMap.TrainingSigmas(SigmaTimestepMap.SigmaSpaceAlphasCumprod(alphasCumprod));
        float[] logSigmas = SigmaTimestepMap.LogSigmas(trainSigmas);
        int trainSteps = trainSigmas.Length;
        double[] sigmas;
        double[] timesteps;
        bool rounded = config.BetaSchedule != "squaredcos_cap_v2";
        if (SigmaRespacing.Respace(config, trainSigmas[0], trainSigmas[^1], n) is { } respaced)
        {
            // Karras timesteps are rounded (except for the cosine schedule); exponential ones are truncated.
            sigmas = respaced;
            rounded &= config.UseKarrasSigmas == true;
            timesteps = ToTimesteps(sigmas, logSigmas, rounded);
        }
        else if (config.UseLuLambdas == true)
        {
            // Uniform steps in λ = -ln σ (Lu et al. 2022, DPM-Solver, arXiv 2206.00927, sec. 3.3).
            double lambdaMax = logSigmas[^1];
            double lambdaMin = logSigmas[0];
            sigmas = Array.ConvertAll(TimestepSpacing.NumpyLinspace(0, 1, n),
                ramp => Math.Exp(lambdaMax + ramp * (lambdaMin - lambdaMax)));
            timesteps = ToTimesteps(sigmas, logSigmas, rounded);
        }
        else
        {
            timesteps = Spaced(config, trainSteps, LastTimestep(config, alphasCumprod), n);
            sigmas = Array.ConvertAll(timesteps, t => SigmaTimestepMap.SigmaAt(trainSigmas, t));
        }

        return new SigmaSchedule(timesteps, SigmaRespacing.AppendFinal(config, sigmas, trainSigmas), 1.0);
    }

    /// <summary>Timesteps of respaced σ, rounded to the nearest integer or truncated toward zero.</summary>
    private static double[] ToTimesteps(double[] sigmas, float[] logSigmas, bool round) =>
        Array.ConvertAll(sigmas, s =>
        {
            double t = SigmaTimestepMap.TimestepOf(s, logSigmas);
            return round ? Math.Round(t) : Math.Truncate(t);
        });

    /// <summary>Descending integer timesteps: linspace over [0, last-1] with n+1 points, dropping 0; leading
    /// i·(last div (n+1)) + offset for i = n..1; trailing round(last - i·T/n) - 1.</summary>
    private static double[] Spaced(SchedulerConfig config, int trainSteps, int last, int n) =>
        (config.TimestepSpacing ?? "linspace") switch
        {
            "linspace" => TimestepSpacing.NumpyLinspace(0, last - 1, n + 1).Skip(1).Reverse().Select(t => Math.Round(t)).ToArray(),
            "leading" => Enumerable.Range(1, n).Reverse()
                .Select(i => Math.Round((double)i * (last / (n + 1))) + (config.StepsOffset ?? 0)).ToArray(),
            "trailing" => Array.ConvertAll(TimestepSpacing.NumpyArange(last, 0, -(double)trainSteps / n),
                t => Math.Round(t) - 1),
            var other => throw new ArgumentException($"DPM-Solver sampler: unknown timestep_spacing \"{other}\"."),
        };

    /// <summary>
    /// T minus the number of training timesteps whose λ = ln α - ln σ (float32) is below <c>lambda_min_clipped</c>
    /// (default -∞: none). Clipping matters for the cosine schedule, whose λ falls steeply near t = T.
    /// </summary>
    private static int LastTimestep(SchedulerConfig config, IReadOnlyList<float> alphasCumprod)
    {
        double clip = config.LambdaMinClipped ?? double.NegativeInfinity;
        int clipped = SigmaTimestepMap.SigmaSpaceAlphasCumprod(alphasCumprod)
            .Count(a => MathF.Log(MathF.Sqrt(a)) - MathF.Log(MathF.Sqrt(1f - a)) < clip);
        return alphasCumprod.Count - clipped;
    }
}
