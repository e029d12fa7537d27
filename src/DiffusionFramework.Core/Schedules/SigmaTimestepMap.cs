namespace DiffusionFramework.Core.Schedules;

/// <summary>
/// Maps between the training timesteps t of a variance-preserving schedule and its noise levels
/// σ_t = √((1 - alphā_t) / alphā_t) (the variance-exploding view of Song et al. 2021, arXiv 2011.13456, used by
/// Karras et al. 2022 and k-diffusion): σ at a fractional t by linear interpolation, and t of any σ by linear
/// interpolation in log σ (diffusers' <c>_sigma_to_t</c>).
/// </summary>
/// <remarks>
/// The dtypes follow diffusers: the σ table and log σ are float32, interpolation is float64 (numpy), except that
/// <c>_sigma_to_t</c> forms its weight in float32, because numpy keeps a float32 array's dtype when it meets a
/// float64 scalar. The log σ table is numpy's vectorised float32 log (<see cref="NumpyFloat32.Log"/>), up to a few
/// ulps from the correctly rounded value, as diffusers computes it.
/// </remarks>
public static class SigmaTimestepMap
{
    /// <summary>alphā that σ-space samplers put in place of an alphā of exactly 0 (zero terminal SNR): 2^-24, the
    /// smallest positive float16 subnormal, as in diffusers, so that σ_max stays finite.</summary>
    public const float ZeroSnrAlphaCumprod = 1f / 16777216f;

    /// <summary>alphā with every exact 0 replaced by <see cref="ZeroSnrAlphaCumprod"/>.</summary>
    public static float[] SigmaSpaceAlphasCumprod(IReadOnlyList<float> alphasCumprod)
    {
        ArgumentNullException.ThrowIfNull(alphasCumprod);
        return alphasCumprod.Select(a => a == 0f ? ZeroSnrAlphaCumprod : a).ToArray();
    }

    /// <summary>σ_t = √((1 - alphā_t) / alphā_t) for every training timestep, in float32 operations, ascending
    /// in t.</summary>
    public static float[] TrainingSigmas(IReadOnlyList<float> alphasCumprod)
    {
        ArgumentNullException.ThrowIfNull(alphasCumprod);
        return alphasCumprod.Select(a => MathF.Sqrt((1f - a) / a)).ToArray();
    }

    /// <summary>ln σ in float32, as numpy's <c>np.log</c> of a float32 array computes it.</summary>
    public static float[] LogSigmas(IReadOnlyList<float> sigmas)
    {
        ArgumentNullException.ThrowIfNull(sigmas);
        return sigmas.Select(NumpyFloat32.Log).ToArray();
    }

    /// <summary>
    /// σ at a possibly fractional timestep: <c>np.interp(t, arange(T), sigmas)</c>, i.e. linear between the two
    /// neighbouring training timesteps, exact at integers, clamped to the first and last σ outside [0, T-1].
    /// </summary>
    public static double SigmaAt(IReadOnlyList<float> sigmas, double t)
    {
        ArgumentNullException.ThrowIfNull(sigmas);
        if (double.IsNaN(t))
        {
            return t;
        }

        if (t <= 0)
        {
            return sigmas[0];
        }

        int last = sigmas.Count - 1;
        if (t >= last)
        {
            return sigmas[last];
        }

        int j = (int)Math.Floor(t);
        if (j == t)
        {
            return sigmas[j];
        }

        double slope = (double)sigmas[j + 1] - sigmas[j];
        return slope * (t - j) + sigmas[j];
    }

    /// <summary>
    /// The timestep whose σ is <paramref name="sigma"/>: find the training timestep <c>low</c> with the largest
    /// log σ not above ln σ (capped at T-2), then t = (1 - w)·low + w·(low + 1) with
    /// w = clamp((logσ_low - ln σ) / (logσ_low - logσ_low+1), 0, 1).
    /// </summary>
    /// <param name="sigma">Noise level (values below 1e-10 are taken as 1e-10).</param>
    /// <param name="logSigmas">ln σ_t of the training timesteps, ascending (<see cref="LogSigmas"/>), at least 2.</param>
    public static double TimestepOf(double sigma, IReadOnlyList<float> logSigmas)
    {
        (int low, float w) = Bracket(sigma, logSigmas);
        return (1f - w) * (double)low + (double)w * (low + 1);
    }

    /// <summary>
    /// <see cref="TimestepOf"/> as diffusers evaluates it on torch float32 tensors (KDPM2's interpolated timesteps):
    /// the same bracket and weight, but t = (1 - w)·low + w·(low + 1) in float32.
    /// </summary>
    /// <param name="sigma">Noise level (values below 1e-10 are taken as 1e-10).</param>
    /// <param name="logSigmas">ln σ_t of the training timesteps, ascending (<see cref="LogSigmas"/>), at least 2.</param>
    public static float TimestepOfFloat32(float sigma, IReadOnlyList<float> logSigmas)
    {
        (int low, float w) = Bracket(sigma, logSigmas);
        return (1f - w) * low + w * (low + 1);
    }

    /// <summary>The training timestep <c>low</c> below ln σ and the weight w of <c>low + 1</c>.</summary>
    private static (int Low, float W) Bracket(double sigma, IReadOnlyList<float> logSigmas)
    {
        ArgumentNullException.ThrowIfNull(logSigmas);
        if (logSigmas.Count < 2)
        {
            throw new ArgumentException("sigma to timestep: need at least two training timesteps.", nameof(logSigmas));
        }

        float logSigma = (float)Math.Log(Math.Max(sigma, 1e-10));
        int low = 0;
        for (int i = 0; i < logSigmas.Count; i++)
        {
            if (logSigma - logSigmas[i] >= 0f)
            {
                low = i;
            }
        }

        low = Math.Min(low, logSigmas.Count - 2);
        return (low, Math.Clamp((logSigmas[low] - logSigma) / (logSigmas[low] - logSigmas[low + 1]), 0f, 1f));
    }
}
