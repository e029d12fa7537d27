namespace DiffusionFramework.Core.Schedules;

/// <summary>
/// float32 routines that reproduce, bit for bit, numpy's vectorised float32 ufuncs (numpy 1.24, AVX2 and AVX512F
/// kernels), which diffusers' schedulers run on float32 arrays.
/// </summary>
internal static class NumpyFloat32
{
    /// <summary>
    /// <c>np.log</c> of a positive, normal float32: x = m · 2^e with m in [0.5, 1), doubled (and e lowered) when
    /// m ≤ √½; then log(1 + f) for f = m - 1 as a ratio of two degree-5 polynomials (fused multiply-adds), plus
    /// e · ln 2 (numpy's <c>simd_log_FLOAT</c>; up to ~3.8 ulp from the correctly rounded value). Other inputs
    /// (0, subnormal, negative, ∞, NaN) fall back to <see cref="MathF.Log(float)"/>.
    /// </summary>
    public static float Log(float x)
    {
        if (!(x >= 1.17549435e-38f) || float.IsPositiveInfinity(x))
        {
            return MathF.Log(x);
        }

        int bits = BitConverter.SingleToInt32Bits(x);
        float m = BitConverter.Int32BitsToSingle((bits & 0x007FFFFF) | (126 << 23));
        float e = (bits >> 23) - 126;
        if (m <= 0.707106781186547524400844362104849039f)
        {
            m += m;
            e -= 1f;
        }

        float f = m - 1f;
        float p = MathF.FusedMultiplyAdd(2.589979117907922693523e-02f, f, 3.808837741388407920751e-01f);
        p = MathF.FusedMultiplyAdd(p, f, 1.480000633576506585156e+00f);
        p = MathF.FusedMultiplyAdd(p, f, 2.112677543073053063722e+00f);
        p = MathF.FusedMultiplyAdd(p, f, 9.999999999999998702752e-01f);
        p = MathF.FusedMultiplyAdd(p, f, 0f);
        float q = MathF.FusedMultiplyAdd(5.875095403124574342950e-03f, f, 1.546476374983906719538e-01f);
        q = MathF.FusedMultiplyAdd(q, f, 9.864942958519418960339e-01f);
        q = MathF.FusedMultiplyAdd(q, f, 2.453006071784736363091e+00f);
        q = MathF.FusedMultiplyAdd(q, f, 2.612677543073109236779e+00f);
        q = MathF.FusedMultiplyAdd(q, f, 1f);
        return MathF.FusedMultiplyAdd(e, 0.693147180559945309417232121458176568f, p / q);
    }
}
