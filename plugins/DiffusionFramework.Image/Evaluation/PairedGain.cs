namespace DiffusionFramework.Image.Evaluation;

/// <summary>
/// The paired difference d_i = model_i − baseline_i of a score over the same N patches: its mean, the half-width
/// 1.96 · s / √N of the normal-approximation 95% confidence interval of that mean (s the sample standard deviation,
/// N − 1 in the denominator), and the fraction of patches where the model scores strictly higher.
/// </summary>
/// <param name="Mean">Mean of d.</param>
/// <param name="HalfWidth95">1.96 · s / √N; NaN when N = 1.</param>
/// <param name="WinFraction">Fraction of patches with d &gt; 0.</param>
public sealed record PairedGain(double Mean, double HalfWidth95, double WinFraction)
{
    /// <summary>The two-sided 95% quantile of the standard normal distribution.</summary>
    public const double Z95 = 1.96;

    /// <summary>The paired gain of <paramref name="model"/> over <paramref name="baseline"/> (same patches, same order).</summary>
    /// <exception cref="ArgumentException">The lists are empty or differ in length.</exception>
    public static PairedGain Of(IReadOnlyList<double> model, IReadOnlyList<double> baseline)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(baseline);
        if (model.Count == 0 || model.Count != baseline.Count)
            throw new ArgumentException(
                $"need the same nonzero number of model and baseline scores, got {model.Count} and {baseline.Count}", nameof(model));
        double[] d = model.Zip(baseline, (m, b) => m - b).ToArray();
        int n = d.Length;
        double mean = d.Average();
        double halfWidth = n < 2 ? double.NaN : Z95 * Math.Sqrt(d.Sum(x => (x - mean) * (x - mean)) / (n - 1) / n);
        return new PairedGain(mean, halfWidth, d.Count(x => x > 0) / (double)n);
    }
}
