using DiffusionFramework.Core.Schedules;

namespace DiffusionFramework.Core.Sampling;

/// <summary>
/// The integer timesteps and noise levels of the <c>set_timesteps</c> of diffusers' VP-schedule solvers
/// (DPM-Solver multistep and singlestep, UniPC, DEIS): timesteps spaced by <c>timestep_spacing</c> below the λ clip
/// and σ of those timesteps, or a Karras, exponential or uniform-λ respacing with the timesteps mapped back through
/// log σ; then the final σ. <see cref="VpGridRules"/> holds what differs between the solvers.
/// </summary>
internal static class VpSigmaGrid
{
    /// <summary>Builds the grid of a run of <paramref name="n"/> steps.</summary>
    /// <exception cref="ArgumentException">A config value the solver does not support.</exception>
    public static SigmaSchedule Build(SchedulerConfig config, IReadOnlyList<float> alphasCumprod, int n, VpGridRules rules)
    {
        float[] trainSigmas = SigmaTimestepMap.TrainingSigmas(SigmaTimestepMap.SigmaSpaceAlphasCumprod(alphasCumprod));
        float[] logSigmas = SigmaTimestepMap.LogSigmas(trainSigmas);
        double[] sigmas;
        double[] timesteps;
        double[]? respaced = SigmaRespacing.Respace(config, trainSigmas[0], trainSigmas[^1], n);
        if (respaced is not null)
        {
            // Karras timesteps are rounded (DPM-Solver multistep: except for the cosine schedule); exponential ones
            // are truncated.
            sigmas = respaced;
            bool round = config.UseKarrasSigmas == true &&
                (rules.RoundCosineKarras || config.BetaSchedule != "squaredcos_cap_v2");
            timesteps = ToTimesteps(sigmas, logSigmas, round);
        }
        else if (rules.LuLambdas && config.UseLuLambdas == true)
        {
            // Uniform steps in λ = -ln σ (Lu et al. 2022, DPM-Solver, arXiv 2206.00927, sec. 3.3).
            double lambdaMax = logSigmas[^1];
            double lambdaMin = logSigmas[0];
            sigmas = Array.ConvertAll(TimestepSpacing.NumpyLinspace(0, 1, n),
                ramp => Math.Exp(lambdaMax + ramp * (lambdaMin - lambdaMax)));
            timesteps = ToTimesteps(sigmas, logSigmas, config.BetaSchedule != "squaredcos_cap_v2");
        }
        else
        {
            int last = rules.LambdaClip ? LastTimestep(config, alphasCumprod) : alphasCumprod.Count;
            string spacing = rules.TimestepSpacing ? config.TimestepSpacing ?? "linspace" : "linspace";
            timesteps = Spaced(rules.Solver, spacing, config.StepsOffset ?? 0, trainSigmas.Length, last, n);
            sigmas = Array.ConvertAll(timesteps, t => SigmaTimestepMap.SigmaAt(trainSigmas, t));
        }

        return new SigmaSchedule(timesteps, SigmaRespacing.Append(sigmas, FinalSigma(config, rules, respaced, trainSigmas)),
            1.0);
    }

    private static float FinalSigma(SchedulerConfig config, VpGridRules rules, double[]? respaced, float[] trainSigmas)
    {
        bool sigmaMin = config.FinalSigmasType == "sigma_min";
        return rules.Final switch
        {
            VpFinalSigma.ZeroOrTrainingMin => sigmaMin ? trainSigmas[0] : 0f,
            VpFinalSigma.ZeroOrLastRespaced => !sigmaMin ? 0f : respaced is null ? trainSigmas[0] : (float)respaced[^1],
            _ => respaced is null ? trainSigmas[0] : (float)respaced[^1],
        };
    }

    /// <summary>Timesteps of respaced σ, rounded to the nearest integer or truncated toward zero.</summary>
    private static double[] ToTimesteps(double[] sigmas, float[] logSigmas, bool round) =>
        Array.ConvertAll(sigmas, s =>
        {
            double t = SigmaTimestepMap.TimestepOf(s, logSigmas);
            return round ? Math.Round(t) : Math.Truncate(t);
        });

    /// <summary>Descending integer timesteps below <paramref name="last"/>: linspace over [0, last-1] with n+1 points,
    /// dropping 0; leading i·(last div (n+1)) + offset for i = n..1; trailing round(last - i·T/n) - 1.</summary>
    private static double[] Spaced(string solver, string spacing, int stepsOffset, int trainSteps, int last, int n) =>
        spacing switch
        {
            "linspace" => TimestepSpacing.NumpyLinspace(0, last - 1, n + 1).Skip(1).Reverse().Select(t => Math.Round(t)).ToArray(),
            "leading" => Enumerable.Range(1, n).Reverse()
                .Select(i => Math.Round((double)i * (last / (n + 1))) + stepsOffset).ToArray(),
            "trailing" => Array.ConvertAll(TimestepSpacing.NumpyArange(last, 0, -(double)trainSteps / n),
                t => Math.Round(t) - 1),
            var other => throw new ArgumentException($"{solver}: unknown timestep_spacing \"{other}\"."),
        };

    /// <summary>
    /// T minus the number of training timesteps whose λ = ln α - ln σ (float32) is below <c>lambda_min_clipped</c>
    /// (default -∞: none). Clipping matters for the cosine schedule, whose λ falls steeply near t = T.
    /// </summary>
    private static int LastTimestep(SchedulerConfig config, IReadOnlyList<float> alphasCumprod)
    {
        double clip = config.LambdaMinClipped ?? double.NegativeInfinity;
        int clipped = SigmaTimestepMap.SigmaSpaceAlphasCumprod(alphasCumprod)
            .Count(a => TorchFloat32.Log(MathF.Sqrt(a)) - TorchFloat32.Log(MathF.Sqrt(1f - a)) < clip);
        return alphasCumprod.Count - clipped;
    }
}
