using DiffusionFramework.Core.Schedules;

namespace DiffusionFramework.Core.Sampling;

/// <summary>
/// The float32 scalars of one UniPC update of order p from level s0 to level t (Zhao et al. 2023, "UniPC: A Unified
/// Predictor-Corrector Framework for Fast Sampling of Diffusion Models", arXiv 2302.04867, Algorithms 2 and 3, B(h)
/// variants bh1: B(h) = h and bh2: B(h) = e^h - 1), with h = λ_t - λ_s0 (negated for the data prediction),
/// r_k = (λ_sk - λ_s0)/h for the p-1 earlier levels and r_p = 1: the system R a = b with R_ik = r_k^(i-1) and
/// b_i = h φ_i(h)·i!/B(h) (φ_{i+1}(h) = (φ_i(h) - 1/i!)/h) gives the weights of the differences D_k = (m_k - m0)/r_k.
/// </summary>
/// <param name="Ratio">Coefficient of the sample: σ_t/σ_s0 (data prediction) or α_t/α_s0.</param>
/// <param name="Phi1Scale">Coefficient of m0: α_t·hφ1 or σ_t·hφ1, hφ1 = e^{∓h} - 1.</param>
/// <param name="BScale">Coefficient of the weighted differences: α_t·B(h) or σ_t·B(h).</param>
/// <param name="Rks">r_1 .. r_{p-1}.</param>
/// <param name="R">The p×p matrix R.</param>
/// <param name="B">b_1 .. b_p.</param>
internal sealed record UniPcCoefficients(float Ratio, float Phi1Scale, float BScale, float[] Rks, float[,] R, float[] B)
{
    /// <summary>The coefficients of a step from <paramref name="s0"/> to <paramref name="t"/> with the
    /// <paramref name="earlier"/> levels of the older model outputs, newest first.</summary>
    public static UniPcCoefficients Of(bool predictX0, bool bh2, VpNoiseLevel t, VpNoiseLevel s0,
        IReadOnlyList<VpNoiseLevel> earlier)
    {
        float h = t.Lambda - s0.Lambda;
        int p = earlier.Count + 1;
        float[] rks = [.. earlier.Select(s => (s.Lambda - s0.Lambda) / h), 1f];
        float hh = predictX0 ? -h : h;
        float hPhi1 = TorchFloat32.Expm1(hh);
        float hPhiK = hPhi1 / hh - 1f;
        float bh = bh2 ? TorchFloat32.Expm1(hh) : hh;
        var r = new float[p, p];
        var b = new float[p];
        int factorial = 1;
        for (int i = 1; i <= p; i++)
        {
            for (int k = 0; k < p; k++)
            {
                r[i - 1, k] = Power(rks[k], i - 1);
            }

            b[i - 1] = hPhiK * factorial / bh;
            factorial *= i + 1;
            hPhiK = hPhiK / hh - (float)(1.0 / factorial);
        }

        (float ratio, float scale) = predictX0 ? (t.Sigma / s0.Sigma, t.Alpha) : (t.Alpha / s0.Alpha, t.Sigma);
        return new UniPcCoefficients(ratio, scale * hPhi1, scale * bh, rks[..^1], r, b);
    }

    /// <summary>The predictor's weights of D_1 .. D_{p-1}: none for p = 1, ½ for p = 2, else the solution of the
    /// leading (p-1)×(p-1) system.</summary>
    public double[] PredictorWeights() => Rks.Length switch
    {
        0 => [],
        1 => [0.5],
        _ => ToDouble(Float32LinearSolve.Solve(Leading(R, Rks.Length), B[..Rks.Length])),
    };

    /// <summary>The corrector's weights of D_1 .. D_{p-1} and, last, of D_t = m_t - m0: ½ for p = 1, else the
    /// solution of the full system.</summary>
    public double[] CorrectorWeights() =>
        Rks.Length == 0 ? [0.5] : ToDouble(Float32LinearSolve.Solve(R, B));

    /// <summary>torch.pow(x, n) in float32: 1, x, x·x, x·x·x as its kernel special-cases them, else powf.</summary>
    private static float Power(float x, int n) => n switch
    {
        0 => 1f,
        1 => x,
        2 => x * x,
        3 => x * x * x,
        _ => MathF.Pow(x, n),
    };

    private static float[,] Leading(float[,] matrix, int size)
    {
        var leading = new float[size, size];
        for (int i = 0; i < size; i++)
        {
            for (int k = 0; k < size; k++)
            {
                leading[i, k] = matrix[i, k];
            }
        }

        return leading;
    }

    private static double[] ToDouble(float[] values) => Array.ConvertAll(values, v => (double)v);
}
