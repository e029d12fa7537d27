namespace DiffusionFramework.Core.Schedules;

/// <summary>
/// float32 array routines that reproduce, bit for bit, what torch's CPU kernels return for the schedule arrays of
/// diffusers (torch 1.13, AVX2 kernels; see the reference README's numerics notes).
/// </summary>
internal static partial class TorchFloat32
{
    private const int Lanes = 8;

    /// <summary>
    /// <c>torch.linspace(start, end, n, dtype=float32)</c>. The kernel fills 8-lane vectors two at a time: a chunk
    /// starting at <c>i0</c> has base <c>fma(step, i0, start)</c> in the first half and <c>fma(-step, n-1-i0, end)</c>
    /// in the second, and lanes <c>base + l*step</c> with the product rounded (not fused; checked against torch 1.13
    /// for 300 random ranges and lengths); the elements left over after the last pair of vectors use the
    /// per-element formula, fused.
    /// </summary>
    public static float[] Linspace(float start, float end, int n)
    {
        var result = new float[n];
        if (n == 1)
        {
            result[0] = start;
            return result;
        }

        float step = (end - start) / (n - 1);
        int halfway = n / 2;
        int i = 0;
        for (; i <= n - 2 * Lanes; i += 2 * Lanes)
        {
            FillVector(result, i, Element(i, n, halfway, start, end, step), step);
            FillVector(result, i + Lanes, Element(i + Lanes, n, halfway, start, end, step), step);
        }

        for (; i < n; i++)
        {
            result[i] = Element(i, n, halfway, start, end, step);
        }

        return result;
    }

    private static float Element(int i, int n, int halfway, float start, float end, float step) =>
        i < halfway ? MathF.FusedMultiplyAdd(step, i, start) : MathF.FusedMultiplyAdd(-step, n - i - 1, end);

    private static void FillVector(float[] result, int i, float baseValue, float step)
    {
        for (int lane = 0; lane < Lanes; lane++)
        {
            result[i + lane] = baseValue + lane * step;
        }
    }

    /// <summary><c>torch.cumprod</c> of a float32 array on CPU: the running product is kept in double and each
    /// output is rounded to float32.</summary>
    public static float[] Cumprod(float[] values)
    {
        var result = new float[values.Length];
        double product = 1.0;
        for (int i = 0; i < values.Length; i++)
        {
            product *= values[i];
            result[i] = (float)product;
        }

        return result;
    }

    /// <summary>
    /// <c>torch.exp</c> of a float32 value on CPU: SLEEF's <c>expf</c> (1.0 ulp; the kernel torch's vectorised exp
    /// runs): q = rint(x / ln 2), s = x - q·ln 2 in two fused parts, a degree-6 polynomial in s evaluated with fused
    /// multiply-adds, scaled by 2^q; 0 below -104, +∞ above 100.
    /// </summary>
    public static float Exp(float x)
    {
        float q = MathF.Round(x * 1.442695040888963407359924681001892137426645954152985934135449406931f);
        float s = MathF.FusedMultiplyAdd(q, -0.693145751953125f, x);
        s = MathF.FusedMultiplyAdd(q, -1.428606765330187045e-06f, s);
        float u = 0.000198527617612853646278381f;
        u = MathF.FusedMultiplyAdd(u, s, 0.00139304355252534151077271f);
        u = MathF.FusedMultiplyAdd(u, s, 0.00833336077630519866943359f);
        u = MathF.FusedMultiplyAdd(u, s, 0.0416664853692054748535156f);
        u = MathF.FusedMultiplyAdd(u, s, 0.166666671633720397949219f);
        u = MathF.FusedMultiplyAdd(u, s, 0.5f);
        u = 1f + MathF.FusedMultiplyAdd(s * s, u, s);
        return x < -104f ? 0f : x > 100f ? float.PositiveInfinity : MathF.ScaleB(u, float.IsFinite(q) ? (int)q : 0);
    }

    /// <summary><c>1 - x</c> elementwise in float32.</summary>
    public static float[] OneMinus(float[] values) => Array.ConvertAll(values, v => 1f - v);
}
