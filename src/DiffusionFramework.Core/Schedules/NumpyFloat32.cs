namespace DiffusionFramework.Core.Schedules;

/// <summary>
/// numpy's float32 <c>np.log</c> as its SIMD kernel computes it (<c>simd_log_FLOAT</c> of
/// <c>loops_exponent_log.dispatch.c.src</c>, the AVX2/AVX512F body numpy uses on x86-64 since 1.18), bit for bit.
/// diffusers takes <c>np.log</c> of float32 values (log σ tables, DEIS's log ρ), and this kernel is not correctly
/// rounded: it can differ from <see cref="MathF.Log(float)"/> by a few ulps.
/// </summary>
/// <remarks>
/// Range reduction x = m·2^e with m in [½, 1) (denormals pre-scaled by 2^100), m doubled (and e lowered) when
/// m ≤ √½, then ln x = e·ln 2 + P(m-1)/Q(m-1) with degree-5 minimax polynomials, every step in float32 with fused
/// multiply-adds.
/// </remarks>
internal static class NumpyFloat32
{
    private static readonly float Sqrt1Over2 = BitConverter.Int32BitsToSingle(0x3F3504F3);
    private static readonly float Ln2 = BitConverter.Int32BitsToSingle(0x3F317218);
    private static readonly float TwoPow100 = BitConverter.Int32BitsToSingle(0x71800000);
    private static readonly float SmallestNormal = BitConverter.Int32BitsToSingle(0x00800000);

    // NPY_COEFF_P{0..5}_LOGf and NPY_COEFF_Q{0..5}_LOGf of npy_simd_data.h.
    private static readonly float[] P =
        [0f, 9.999999999999998702752e-01f, 2.112677543073053063722e+00f, 1.480000633576506585156e+00f,
            3.808837741388407920751e-01f, 2.589979117907922693523e-02f];

    private static readonly float[] Q =
        [1f, 2.612677543073109236779e+00f, 2.453006071784736363091e+00f, 9.864942958519418960339e-01f,
            1.546476374983906719538e-01f, 5.875095403124574342950e-03f];

    /// <summary><c>np.log(np.float32(x))</c>: -∞ at 0, NaN below 0 or for NaN, +∞ at +∞.</summary>
    public static float Log(float x)
    {
        if (float.IsNaN(x) || x < 0f)
        {
            return float.NaN;
        }

        if (x == 0f)
        {
            return float.NegativeInfinity;
        }

        if (float.IsPositiveInfinity(x))
        {
            return float.PositiveInfinity;
        }

        float exponentOffset = 0f;
        if (x < SmallestNormal)
        {
            x *= TwoPow100;
            exponentOffset = -100f;
        }

        int bits = BitConverter.SingleToInt32Bits(x);
        float exponent = ((bits >>> 23) - 126) + exponentOffset;
        float m = BitConverter.Int32BitsToSingle((bits & 0x007FFFFF) | (126 << 23));
        if (m <= Sqrt1Over2)
        {
            m += m;
            exponent -= 1f;
        }

        m -= 1f;
        float numerator = MathF.FusedMultiplyAdd(P[5], m, P[4]);
        float denominator = MathF.FusedMultiplyAdd(Q[5], m, Q[4]);
        for (int k = 3; k >= 0; k--)
        {
            numerator = MathF.FusedMultiplyAdd(numerator, m, P[k]);
            denominator = MathF.FusedMultiplyAdd(denominator, m, Q[k]);
        }

        return MathF.FusedMultiplyAdd(exponent, Ln2, numerator / denominator);
    }
}
