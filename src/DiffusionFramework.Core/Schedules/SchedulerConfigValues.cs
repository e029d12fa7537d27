namespace DiffusionFramework.Core.Schedules;

/// <summary>
/// The valid strings of the enum-like keys of diffusers' <c>scheduler_config.json</c>, one list per key, and the
/// check that <see cref="SchedulerConfig"/> runs when such a key is set.
/// </summary>
public static class SchedulerConfigValues
{
    /// <summary><c>beta_schedule</c>: how the betas are laid out over the training timesteps.</summary>
    public static IReadOnlyList<string> BetaSchedules { get; } =
        ["linear", "scaled_linear", "squaredcos_cap_v2", "sigmoid", "laplace", "exp"];

    /// <summary><c>timestep_spacing</c>: how inference timesteps are picked (Lin et al. 2023, table 2).</summary>
    public static IReadOnlyList<string> TimestepSpacings { get; } = ["leading", "trailing", "linspace"];

    /// <summary><c>prediction_type</c>: what the network predicts. <c>flow_prediction</c> (a flow-matching velocity)
    /// is stepped by flow_euler only; the DDPM-family samplers refuse it.</summary>
    public static IReadOnlyList<string> PredictionTypes { get; } =
        ["epsilon", "v_prediction", "sample", "flow_prediction"];

    /// <summary><c>variance_type</c> of DDPM (Ho et al. 2020; Nichol and Dhariwal 2021 for the learned ones).</summary>
    public static IReadOnlyList<string> VarianceTypes { get; } =
        ["fixed_small", "fixed_small_log", "fixed_large", "fixed_large_log", "learned", "learned_range"];

    /// <summary><c>algorithm_type</c> of the DPM-Solver family and DEIS.</summary>
    public static IReadOnlyList<string> AlgorithmTypes { get; } =
        ["dpmsolver", "dpmsolver++", "sde-dpmsolver", "sde-dpmsolver++", "deis"];

    /// <summary><c>solver_type</c>: second-order update rule (DPM-Solver: midpoint, heun; DEIS: logrho; UniPC: bh1, bh2).</summary>
    public static IReadOnlyList<string> SolverTypes { get; } = ["midpoint", "heun", "logrho", "bh1", "bh2"];

    /// <summary><c>final_sigmas_type</c>: the sigma appended after the last inference step.</summary>
    public static IReadOnlyList<string> FinalSigmasTypes { get; } = ["zero", "sigma_min"];

    /// <summary><c>timestep_type</c> of Euler: discrete timesteps, or continuous c_noise = 0.25 ln(sigma).</summary>
    public static IReadOnlyList<string> TimestepTypes { get; } = ["discrete", "continuous"];

    /// <summary><c>interpolation_type</c>: how sigmas are interpolated between training timesteps.</summary>
    public static IReadOnlyList<string> InterpolationTypes { get; } = ["linear", "log_linear"];

    /// <summary><c>time_shift_type</c> of dynamic shifting (flow models).</summary>
    public static IReadOnlyList<string> TimeShiftTypes { get; } = ["exponential", "linear"];

    /// <summary><c>sigma_schedule</c> of the EDM schedulers.</summary>
    public static IReadOnlyList<string> SigmaSchedules { get; } = ["karras", "exponential"];

    /// <summary>Returns <paramref name="value"/> when it is null or one of <paramref name="valid"/>.</summary>
    /// <exception cref="ArgumentException">Any other value; the message names the key and lists the valid ones.</exception>
    public static string? Check(string? value, IReadOnlyList<string> valid, string key)
    {
        if (value is null || valid.Contains(value, StringComparer.Ordinal))
        {
            return value;
        }

        throw new ArgumentException(
            $"scheduler config: unknown {key} \"{value}\"; valid values are {string.Join(", ", valid.Select(v => $"\"{v}\""))}.",
            key);
    }
}
