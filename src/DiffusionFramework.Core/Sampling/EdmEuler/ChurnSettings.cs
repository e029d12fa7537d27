namespace DiffusionFramework.Core.Sampling;

/// <summary>
/// The stochastic "churn" of Karras et al. 2022 (arXiv 2206.00364), Algorithm 2, lines 4-6: before step i the
/// sample is lifted from σ_i to σ̂ = σ_i (γ + 1) with fresh noise of standard deviation S_noise √(σ̂² - σ_i²), where
/// γ = min(S_churn / N, √2 - 1) for σ_i in [S_tmin, S_tmax] and 0 elsewhere (diffusers' <c>s_churn</c>,
/// <c>s_tmin</c>, <c>s_tmax</c>, <c>s_noise</c> step arguments).
/// </summary>
internal readonly record struct ChurnSettings(double Churn, double TMin, double TMax, double Noise)
{
    /// <summary>The options' churn, defaults 0, 0, +∞, 1.</summary>
    /// <exception cref="ArgumentException">A negative or non-finite S_churn, a NaN bound or a non-finite S_noise.</exception>
    public static ChurnSettings From(SamplerRunOptions? options, string sampler)
    {
        var churn = new ChurnSettings(options?.SChurn ?? 0, options?.STmin ?? 0, options?.STmax ?? double.PositiveInfinity,
            options?.SNoise ?? 1);
        if (!(churn.Churn >= 0) || !double.IsFinite(churn.Churn))
        {
            throw new ArgumentException($"sampler {sampler}: s_churn must be 0 or more and finite, got {churn.Churn}.");
        }

        if (double.IsNaN(churn.TMin) || double.IsNaN(churn.TMax) || !double.IsFinite(churn.Noise))
        {
            throw new ArgumentException($"sampler {sampler}: s_tmin, s_tmax and s_noise must be numbers (s_noise finite).");
        }

        return churn;
    }

    /// <summary>γ of a step at σ in a run of <paramref name="steps"/> steps (the bounds compared in float32).</summary>
    public double Gamma(float sigma, int steps) =>
        (float)TMin <= sigma && sigma <= (float)TMax ? Math.Min(Churn / steps, Math.Sqrt(2) - 1) : 0.0;
}
