namespace DiffusionFramework.Core.Schedules;

/// <summary>
/// The Beta(a, b) distribution's cumulative distribution I_x(a, b) (the regularized incomplete beta function) and its
/// inverse, in double to about 1e-15: the quantiles that diffusers takes from <c>scipy.stats.beta.ppf</c> for
/// <c>use_beta_sigmas</c> (Lee et al. 2024, "Beta Sampling is All You Need", arXiv 2407.12173).
/// </summary>
/// <remarks>
/// I_x from the continued fraction of Abramowitz and Stegun 26.5.8 evaluated with the modified Lentz method, on the side
/// x &lt; (a + 1)/(a + b + 2) where it converges fast (the other side by I_x(a, b) = 1 - I_{1-x}(b, a)); ln Γ from
/// Lanczos' approximation (g = 7, 9 terms). The inverse takes Newton steps on the density, falling back to bisection
/// of the bracket whenever a step would leave it.
/// </remarks>
internal static class BetaDistribution
{
    private static readonly double[] Lanczos =
    [
        0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
        12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
    ];

    /// <summary>x with I_x(a, b) = <paramref name="p"/>, for p in [0, 1] and a, b &gt; 0.</summary>
    public static double Quantile(double p, double a, double b)
    {
        if (!(p >= 0 && p <= 1) || !(a > 0) || !(b > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(p), $"beta quantile: need 0 <= p <= 1 and a, b > 0 (p = {p}, a = {a}, b = {b}).");
        }

        if (p == 0 || p == 1)
        {
            return p;
        }

        double lo = 0, hi = 1, x = 0.5, logBeta = LogBeta(a, b);
        for (int i = 0; i < 400; i++)
        {
            double error = Cdf(x, a, b) - p;
            if (error == 0)
            {
                break;
            }

            if (error < 0)
            {
                lo = x;
            }
            else
            {
                hi = x;
            }

            double density = Math.Exp((a - 1) * Math.Log(x) + (b - 1) * Math.Log(1 - x) - logBeta);
            double next = x - error / density;
            if (!(next > lo && next < hi))
            {
                next = 0.5 * (lo + hi);
            }

            if (Math.Abs(next - x) <= 1e-16 * x)
            {
                x = next;
                break;
            }

            x = next;
        }

        return x;
    }

    /// <summary>I_x(a, b) for x in [0, 1].</summary>
    public static double Cdf(double x, double a, double b)
    {
        if (x <= 0 || x >= 1)
        {
            return x <= 0 ? 0 : 1;
        }

        return x < (a + 1) / (a + b + 2) ? Series(x, a, b) : 1 - Series(1 - x, b, a);
    }

    /// <summary>x^a (1-x)^b / (a B(a, b)) times the continued fraction.</summary>
    private static double Series(double x, double a, double b) =>
        Math.Exp(a * Math.Log(x) + b * Math.Log(1 - x) - LogBeta(a, b)) / a * ContinuedFraction(x, a, b);

    private static double ContinuedFraction(double x, double a, double b)
    {
        const double tiny = 1e-300;
        double c = 1, d = 1 - (a + b) * x / (a + 1);
        d = 1 / (Math.Abs(d) < tiny ? tiny : d);
        double f = d;
        for (int m = 1; m <= 500; m++)
        {
            double even = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m));
            double odd = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1));
            foreach (double coefficient in (ReadOnlySpan<double>)[even, odd])
            {
                d = 1 + coefficient * d;
                d = 1 / (Math.Abs(d) < tiny ? tiny : d);
                c = 1 + coefficient / c;
                c = Math.Abs(c) < tiny ? tiny : c;
                f *= c * d;
            }

            if (Math.Abs(c * d - 1) < 1e-16)
            {
                break;
            }
        }

        return f;
    }

    private static double LogBeta(double a, double b) => LogGamma(a) + LogGamma(b) - LogGamma(a + b);

    /// <summary>ln Γ(z) for z &gt; 0 (Lanczos; reflection below 1/2).</summary>
    private static double LogGamma(double z)
    {
        if (z < 0.5)
        {
            return Math.Log(Math.PI / Math.Sin(Math.PI * z)) - LogGamma(1 - z);
        }

        z -= 1;
        double sum = Lanczos[0];
        for (int i = 1; i < Lanczos.Length; i++)
        {
            sum += Lanczos[i] / (z + i);
        }

        double t = z + 7.5;
        return 0.5 * Math.Log(2 * Math.PI) + (z + 0.5) * Math.Log(t) - t + Math.Log(sum);
    }
}
