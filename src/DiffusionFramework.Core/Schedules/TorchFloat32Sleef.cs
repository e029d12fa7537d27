namespace DiffusionFramework.Core.Schedules;

/// <summary>
/// torch's float32 <c>log</c> and <c>expm1</c> on CPU as its vectorised kernels compute them: SLEEF's 1-ulp routines
/// <c>Sleef_logf8_u10</c> and <c>Sleef_expm1f8_u10</c> (AVX2 build, fused multiply-adds), transcribed to scalars, bit
/// for bit (with <see cref="Exp"/>, SLEEF's expf). diffusers' DPM-Solver, DEIS and UniPC take these of float32 0-dim
/// tensors (λ = ln α - ln σ, expm1(h)); the C library's correctly rounded values differ now and then.
/// </summary>
/// <remarks>
/// Naoki Shibata's SLEEF (Boost licence): double-float arithmetic (pairs hi + lo) with error-free products from fused
/// multiply-adds (its df.h).
/// </remarks>
internal static partial class TorchFloat32
{
    private const float RLn2 = 1.442695040888963407359924681001892137426645954152985934135449406931f;
    private const float L2U = 0.693145751953125f;
    private const float L2L = 1.428606765330187045e-06f;

    /// <summary><c>torch.log</c> of a float32.</summary>
    public static float Log(float d)
    {
        if (float.IsNaN(d) || d < 0f)
        {
            return float.NaN;
        }

        if (d == 0f)
        {
            return float.NegativeInfinity;
        }

        if (float.IsPositiveInfinity(d))
        {
            return float.PositiveInfinity;
        }

        bool tiny = d < 1.17549435e-38f;
        if (tiny)
        {
            d *= 18446744073709551616f;
        }

        int e = ILogB2(d * (1.0f / 0.75f));
        float m = LdExp3(d, -e);
        if (tiny)
        {
            e -= 64;
        }

        Df s = Df.Mul(new Df(0.69314718246459960938f, -1.904654323148236017e-09f), e);
        Df x = Df.Div(Df.Add2(-1f, m), Df.Add2(1f, m));
        float x2 = x.X * x.X;
        float t = 0.3027294874f;
        t = MathF.FusedMultiplyAdd(t, x2, 0.3996108174f);
        t = MathF.FusedMultiplyAdd(t, x2, 0.6666694880f);
        s = Df.Add(s, new Df(x.X * 2f, x.Y * 2f));
        s = Df.Add(s, x2 * x.X * t);
        return s.X + s.Y;
    }

    /// <summary><c>torch.expm1</c> of a float32.</summary>
    public static float Expm1(float a)
    {
        if (float.IsNaN(a))
        {
            return float.NaN;
        }

        if (a > 88.72283172607421875f)
        {
            return float.PositiveInfinity;
        }

        if (a < -16.635532333438687426013570f)
        {
            return -1f;
        }

        if (a == 0f && float.IsNegative(a))
        {
            return -0f;
        }

        Df d = Df.Add2(ExpK2(a), -1f);
        return d.X + d.Y;
    }

    /// <summary>e^a as a double-float (SLEEF's <c>expk2f</c>).</summary>
    private static Df ExpK2(float a)
    {
        int q = (int)MathF.Round(a * RLn2);
        Df s = Df.Add2(new Df(a, 0f), q * -L2U);
        s = Df.Add2(s, q * -L2L);
        float u = 0.1980960224e-3f;
        u = MathF.FusedMultiplyAdd(u, s.X, 0.1394256484e-2f);
        u = MathF.FusedMultiplyAdd(u, s.X, 0.8333456703e-2f);
        u = MathF.FusedMultiplyAdd(u, s.X, 0.4166637361e-1f);
        Df t = Df.Add2(Df.Mul(s, u), 0.166666659414234244790680580464f);
        t = Df.Add2(Df.Mul(s, t), 0.5f);
        t = Df.Add2(s, Df.Mul(Df.Square(s), t));
        t = Df.Add(1f, t);
        t = new Df(LdExp2(t.X, q), LdExp2(t.Y, q));
        return a < -104f ? new Df(0f, 0f) : t;
    }

    private static int ILogB2(float d) => ((BitConverter.SingleToInt32Bits(d) >>> 23) & 0xff) - 0x7f;

    private static float LdExp3(float d, int q) =>
        BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(d) + (q << 23));

    private static float Pow2I(int q) => BitConverter.Int32BitsToSingle((q + 0x7f) << 23);

    private static float LdExp2(float d, int e) => d * Pow2I(e >> 1) * Pow2I(e - (e >> 1));

    /// <summary>A double-float X + Y and SLEEF's operations on it (df.h, fused multiply-add variants).</summary>
    private readonly record struct Df(float X, float Y)
    {
        public static Df Add2(float x, float y)
        {
            float rx = x + y;
            float v = rx - x;
            return new Df(rx, (x - (rx - v)) + (y - v));
        }

        public static Df Add2(Df x, float y)
        {
            float rx = x.X + y;
            float v = rx - x.X;
            return new Df(rx, (x.X - (rx - v)) + (y - v) + x.Y);
        }

        public static Df Add2(Df x, Df y)
        {
            float rx = x.X + y.X;
            float v = rx - x.X;
            return new Df(rx, (x.X - (rx - v)) + (y.X - v) + (x.Y + y.Y));
        }

        public static Df Add(Df x, Df y)
        {
            float rx = x.X + y.X;
            return new Df(rx, x.X - rx + y.X + x.Y + y.Y);
        }

        public static Df Add(Df x, float y)
        {
            float rx = x.X + y;
            return new Df(rx, x.X - rx + y + x.Y);
        }

        public static Df Add(float x, Df y)
        {
            float rx = x + y.X;
            return new Df(rx, x - rx + y.X + y.Y);
        }

        public static Df Mul(Df x, float y)
        {
            float rx = x.X * y;
            return new Df(rx, MathF.FusedMultiplyAdd(x.Y, y, MathF.FusedMultiplyAdd(x.X, y, -rx)));
        }

        public static Df Mul(Df x, Df y)
        {
            float rx = x.X * y.X;
            return new Df(rx, MathF.FusedMultiplyAdd(x.X, y.Y,
                MathF.FusedMultiplyAdd(x.Y, y.X, MathF.FusedMultiplyAdd(x.X, y.X, -rx))));
        }

        public static Df Square(Df x)
        {
            float rx = x.X * x.X;
            return new Df(rx, MathF.FusedMultiplyAdd(x.X + x.X, x.Y, MathF.FusedMultiplyAdd(x.X, x.X, -rx)));
        }

        public static Df Div(Df n, Df d)
        {
            float t = 1f / d.X;
            float qx = n.X * t;
            float u = MathF.FusedMultiplyAdd(t, n.X, -qx);
            float qy = MathF.FusedMultiplyAdd(-d.Y, t, MathF.FusedMultiplyAdd(-d.X, t, 1f));
            return new Df(qx, MathF.FusedMultiplyAdd(qx, qy, MathF.FusedMultiplyAdd(n.Y, t, u)));
        }
    }
}
