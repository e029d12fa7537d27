using DiffusionFramework.Core.Schedules;

namespace DiffusionFramework.Core.Sampling;

/// <summary>
/// The timesteps of diffusers' <c>PNDMScheduler.set_timesteps</c>. The n base timesteps t_0 &lt; … &lt; t_{n-1} are
/// spaced by <c>timestep_spacing</c> (leading, with <c>steps_offset</c>, by default). With <c>skip_prk_steps</c>
/// (PLMS only) they run t_{n-1}, t_{n-2}, t_{n-2}, t_{n-3}, …, t_0: n + 1 model calls, the second timestep repeated
/// for the Heun-like warm-up step. Without it, 12 Runge-Kutta calls over the top 4 timesteps and their midpoints
/// (t + δ/2, δ = T div n) come first, then t_{n-4}, …, t_0: n + 9 model calls.
/// </summary>
internal static class PndmTimesteps
{
    /// <summary>Integer timesteps, one per model call.</summary>
    /// <exception cref="ArgumentException">A timestep outside 0 .. T-1, or fewer than 4 steps without
    /// skip_prk_steps.</exception>
    public static long[] Build(SchedulerConfig config, int trainSteps, int n, bool skipPrkSteps)
    {
        long[] ascending = TimestepSpacing.Compute(config.TimestepSpacing ?? "leading", trainSteps, n,
            config.StepsOffset ?? 0);
        Array.Reverse(ascending);
        long[] timesteps;
        if (skipPrkSteps)
        {
            long[] repeated = n >= 2 ? [ascending[^2]] : [];
            timesteps = [.. ascending[..^1], .. repeated, ascending[^1]];
        }
        else
        {
            if (n < 4)
            {
                throw new ArgumentException(
                    $"PNDM sampler: the Runge-Kutta warm-up needs at least 4 steps, got {n}; use more steps or skip_prk_steps.");
            }

            long half = trainSteps / n / 2;
            long[] top = [.. ascending[^4..].SelectMany(t => new[] { t, t + half })];
            long[] prk = [.. top[..^1].SelectMany(t => new[] { t, t })];
            timesteps = [.. ascending[..^3], .. prk[1..^1]];
        }

        Array.Reverse(timesteps);
        foreach (long t in timesteps)
        {
            if (t < 0 || t >= trainSteps)
            {
                throw new ArgumentException(
                    $"PNDM sampler: steps_offset {config.StepsOffset} moves timestep {t} outside 0 .. {trainSteps - 1}.");
            }
        }

        return timesteps;
    }
}
