using DiffusionFramework.Core.Schedules;

namespace DiffusionFramework.Core.Sampling;

/// <summary>
/// The grid of diffusers' <c>EDMEulerScheduler.set_timesteps</c>: N noise levels from σ_max down to σ_min, either the
/// ρ-spacing of Karras et al. 2022, eq. 5 (<c>sigma_schedule</c> "karras") or evenly spaced in ln σ ("exponential",
/// float32 as torch computes it), rounded to float32; timesteps c_noise = ln(σ)/4; a final σ of 0 or σ_min.
/// </summary>
internal static class EdmSigmas
{
    /// <summary>The grid of a run of <paramref name="n"/> steps.</summary>
    /// <param name="config">A checked EDM config (see <see cref="EdmEulerSampler"/>).</param>
    /// <param name="n">The number of inference steps.</param>
    public static SigmaSchedule Build(EdmSettings config, int n)
    {
        float[] sigmas = config.Schedule == "exponential"
            ? Exponential(config.SigmaMin, config.SigmaMax, n)
            : Array.ConvertAll(SigmaSpacing.KarrasSigmas(n, config.SigmaMin, config.SigmaMax, config.Rho), s => (float)s);
        double[] timesteps = Array.ConvertAll(sigmas, s => (double)EdmPreconditioning.NoiseCondition(s));
        float last = config.FinalSigmaMin ? sigmas[^1] : 0f;
        double initNoiseSigma = Math.Pow(config.SigmaMax * config.SigmaMax + 1, 0.5);
        return new SigmaSchedule(timesteps, [.. sigmas, last], initNoiseSigma);
    }

    /// <summary>exp of torch's float32 <c>linspace(ln σ_min, ln σ_max, n)</c>, flipped to descend.</summary>
    private static float[] Exponential(double sigmaMin, double sigmaMax, int n)
    {
        float[] logs = TorchFloat32.Linspace((float)Math.Log(sigmaMin), (float)Math.Log(sigmaMax), n);
        float[] sigmas = Array.ConvertAll(logs, TorchFloat32.Exp);
        Array.Reverse(sigmas);
        return sigmas;
    }
}
