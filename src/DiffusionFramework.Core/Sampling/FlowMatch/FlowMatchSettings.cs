using DiffusionFramework.Core.Schedules;

namespace DiffusionFramework.Core.Sampling;

/// <summary>
/// The checked config of a flow-matching run with diffusers' <c>FlowMatchEulerDiscreteScheduler</c> defaults:
/// T = 1000, shift 1, no dynamic shifting (μ is null then), time_shift_type exponential, no terminal stretch, no
/// respacing ("karras", "exponential" or "beta" otherwise), not inverted, deterministic.
/// </summary>
internal sealed record FlowMatchSettings(int NumTrainTimesteps, double Shift, double? Mu, bool LinearTimeShift,
    double? ShiftTerminal, string? Respacing, bool InvertSigmas, bool Stochastic)
{
    /// <summary>Reads and checks <paramref name="config"/> and μ.</summary>
    /// <exception cref="ArgumentException">Two respacings,
    /// dynamic shifting without μ, or a shift, μ or shift_terminal out of range; the message names the key.</exception>
    public static FlowMatchSettings From(SchedulerConfig config, SamplerRunOptions? options, string sampler)
    {
        string[] respacings = [.. new[] { ("karras", config.UseKarrasSigmas), ("exponential", config.UseExponentialSigmas),
            ("beta", config.UseBetaSigmas) }.Where(r => r.Item2 == true).Select(r => r.Item1)];
        if (respacings.Length > 1)
        {
            throw new ArgumentException($"sampler {sampler}: only one of use_karras_sigmas, use_exponential_sigmas and " +
                                        "use_beta_sigmas can be set.");
        }

        bool linear = (config.TimeShiftType ?? "exponential") == "linear";
        double? mu = config.UseDynamicShifting == true ? RequireMu(options?.Mu, linear, sampler) : null;
        double shift = CheckedShift(config, $"sampler {sampler}");
        if (config.ShiftTerminal is { } terminal && !(terminal < 1 && terminal >= 0))
        {
            throw new ArgumentException($"sampler {sampler}: shift_terminal must lie in [0, 1), got {terminal}.");
        }

        return new FlowMatchSettings(config.NumTrainTimesteps ?? 1000, shift, mu, linear, config.ShiftTerminal,
            respacings.FirstOrDefault(), config.InvertSigmas == true, config.StochasticSampling == true);
    }

    /// <summary><c>shift</c> of <paramref name="config"/> (default 1).</summary>
    /// <exception cref="ArgumentException">Not positive and finite; the message starts with <paramref name="owner"/>.</exception>
    public static double CheckedShift(SchedulerConfig config, string owner)
    {
        double shift = config.Shift ?? 1.0;
        if (!(shift > 0) || !double.IsFinite(shift))
        {
            throw new ArgumentException($"{owner}: shift must be positive and finite, got {shift}.");
        }

        return shift;
    }

    private static double RequireMu(double? mu, bool linear, string sampler)
    {
        if (mu is not { } value)
        {
            throw new ArgumentException($"sampler {sampler}: use_dynamic_shifting needs μ; set SamplerRunOptions.Mu " +
                                        "(diffusers' set_timesteps(mu=...)).");
        }

        if (!double.IsFinite(value) || (linear && !(value > 0)))
        {
            throw new ArgumentException(
                $"sampler {sampler}: mu must be finite{(linear ? " and positive for time_shift_type linear" : "")}, got {value}.");
        }

        return value;
    }
}
