using DiffusionFramework.Core.Schedules;

namespace DiffusionFramework.Core.Sampling;

/// <summary>
/// The grid of diffusers' <c>KDPM2DiscreteScheduler.set_timesteps</c>: the Euler-family σ_0 … σ_{N-1}, 0, plus the
/// midpoints in log σ, σ̂_k = exp((ln σ_{k-1} + ln σ_k) / 2) (σ̂_N = 0), at which the second-order half of each
/// step evaluates the model.
/// </summary>
/// <remarks>
/// <para>Layout (diffusers'): timesteps [t_0, t(σ̂_1), t_1, t(σ̂_2), t_2, …, t(σ̂_{N-1}), t_{N-1}] (2N - 1);
/// σ [σ_0, σ_1, σ_1, …, σ_{N-1}, σ_{N-1}, 0, 0, 0] and σ̂ [NaN, σ̂_1, σ̂_1, …, σ̂_N, σ̂_N, σ̂_N] (2N + 2 each).</para>
/// <para>dtypes as diffusers': σ̂ by float32 log, lerp (b - (b - a)·½) and torch's exp (<see cref="TorchFloat32.Exp"/>); t(σ̂) by
/// <see cref="SigmaTimestepMap.TimestepOfFloat32"/>. Karras timesteps are rounded to integers, exponential ones kept
/// in double (neither rounded to float32), spaced ones float32.</para>
/// </remarks>
internal static class Kdpm2Grid
{
    /// <summary>The grid of a run of <paramref name="n"/> steps, and σ̂ in the layout of its σ.</summary>
    public static (SigmaSchedule Grid, float[] InterpolatedSigmas) Build(SchedulerConfig config,
        IReadOnlyList<float> alphasCumprod, int n)
    {
        SigmaSchedule basic = EulerTimesteps.Build(config, alphasCumprod, n,
            config.UseKarrasSigmas == true ? Math.Round : t => t);
        float[] logTrainSigmas = SigmaTimestepMap.LogSigmas(
            SigmaTimestepMap.TrainingSigmas(SigmaTimestepMap.SigmaSpaceAlphasCumprod(alphasCumprod)));
        float[] sigmas = basic.Sigmas;
        var midpoints = new float[sigmas.Length];
        midpoints[0] = float.NaN;
        for (int k = 1; k < sigmas.Length; k++)
        {
            float a = MathF.Log(sigmas[k]);
            float b = MathF.Log(sigmas[k - 1]);
            midpoints[k] = TorchFloat32.Exp(b - (b - a) * 0.5f);
        }

        double[] timesteps = [basic.Timesteps[0], .. Enumerable.Range(1, n - 1).SelectMany(k => new[]
        {
            (double)SigmaTimestepMap.TimestepOfFloat32(midpoints[k], logTrainSigmas), basic.Timesteps[k],
        })];
        SigmaSchedule grid = basic with { Timesteps = timesteps, Sigmas = Repeated(sigmas) };
        return (grid, Repeated(midpoints));
    }

    /// <summary>[v_0, v_1, v_1, …, v_N, v_N, v_N]: every value after the first twice, then the last once more.</summary>
    private static float[] Repeated(float[] values) =>
        [values[0], .. values[1..].SelectMany(v => new[] { v, v }), values[^1]];
}
