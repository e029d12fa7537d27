namespace DiffusionFramework.Core.Schedules;

/// <summary>
/// The beta schedules of diffusers' schedulers, in float32 exactly as diffusers builds them: linear, scaled_linear
/// and sigmoid from float32 <c>torch.linspace</c>; squaredcos_cap_v2 and laplace from an alphā(t) function evaluated
/// in double and rounded once.
/// </summary>
public static class BetaSchedules
{
    /// <summary>Largest beta of the alphā-derived schedules (Nichol and Dhariwal 2021, sec. 3.2).</summary>
    public const double MaxBeta = 0.999;

    /// <summary>Linear betas from <paramref name="betaStart"/> to <paramref name="betaEnd"/> (Ho et al. 2020).</summary>
    public static float[] Linear(double betaStart, double betaEnd, int n) =>
        TorchFloat32.Linspace((float)betaStart, (float)betaEnd, n);

    /// <summary>Betas whose square roots are linear (latent diffusion): <c>linspace(√start, √end)²</c>.</summary>
    public static float[] ScaledLinear(double betaStart, double betaEnd, int n) =>
        Array.ConvertAll(TorchFloat32.Linspace((float)Math.Sqrt(betaStart), (float)Math.Sqrt(betaEnd), n), r => r * r);

    /// <summary>
    /// <c>sigmoid(linspace(-6, 6)) * (end - start) + start</c> in float32 (GeoDiff, Xu et al. 2022).
    /// </summary>
    /// <remarks>torch's vectorised exp may differ from the C runtime's by 1 ulp, so a beta may differ by 1 ulp.</remarks>
    public static float[] Sigmoid(double betaStart, double betaEnd, int n)
    {
        float scale = (float)(betaEnd - betaStart);
        float offset = (float)betaStart;
        return Array.ConvertAll(TorchFloat32.Linspace(-6f, 6f, n), x => 1f / (1f + MathF.Exp(-x)) * scale + offset);
    }

    /// <summary>
    /// Cosine schedule ("squaredcos_cap_v2"): alphā(t) = cos²((t + 0.008) / 1.008 · π/2), Nichol and Dhariwal 2021,
    /// eq. 17, arXiv 2102.09672.
    /// </summary>
    public static float[] SquaredCosCapV2(int n) =>
        FromAlphaBar(t => Math.Pow(Math.Cos((t + 0.008) / 1.008 * Math.PI / 2), 2), n);

    /// <summary>
    /// Laplace schedule: log-SNR λ(t) = -½ sign(½ - t) ln(1 - 2|½ - t| + 1e-6), alphā = √(snr / (1 + snr))
    /// (Hang et al. 2024, "Improved Noise Schedule for Diffusion Training", arXiv 2407.03297).
    /// </summary>
    public static float[] Laplace(int n) => FromAlphaBar(
        t =>
        {
            double lambda = -0.5 * Math.CopySign(1.0, 0.5 - t) * Math.Log(1 - 2 * Math.Abs(0.5 - t) + 1e-6);
            double snr = Math.Exp(lambda);
            return Math.Sqrt(snr / (1 + snr));
        },
        n);

    /// <summary>
    /// Exponential schedule ("exp", offered by diffusers' Heun scheduler): alphā(t) = exp(-12 t), decaying
    /// exponentially in t (diffusers' <c>betas_for_alpha_bar</c> with <c>alpha_transform_type="exp"</c>).
    /// </summary>
    public static float[] Exponential(int n) => FromAlphaBar(t => Math.Exp(t * -12.0), n);

    /// <summary>beta_i = min(1 - alphā((i+1)/n) / alphā(i/n), <see cref="MaxBeta"/>) in double, rounded to float32.</summary>
    public static float[] FromAlphaBar(Func<double, double> alphaBar, int n)
    {
        var betas = new float[n];
        for (int i = 0; i < n; i++)
        {
            double t1 = (double)i / n;
            double t2 = (double)(i + 1) / n;
            betas[i] = (float)Math.Min(1 - alphaBar(t2) / alphaBar(t1), MaxBeta);
        }

        return betas;
    }

    /// <summary>
    /// Rescales betas to zero terminal SNR while keeping alphā_0 (Lin et al. 2023, "Common Diffusion Noise Schedules
    /// and Sample Steps are Flawed", arXiv 2305.08891, Algorithm 1), in float32 as diffusers computes it.
    /// </summary>
    public static float[] RescaleZeroTerminalSnr(float[] betas)
    {
        float[] sqrtAlphaBar = Array.ConvertAll(TorchFloat32.Cumprod(TorchFloat32.OneMinus(betas)), MathF.Sqrt);
        float first = sqrtAlphaBar[0];
        float last = sqrtAlphaBar[^1];
        float scale = first / (first - last);
        float[] alphaBar = Array.ConvertAll(sqrtAlphaBar, s =>
        {
            float shifted = (s - last) * scale;
            return shifted * shifted;
        });
        var rescaled = new float[betas.Length];
        rescaled[0] = 1f - alphaBar[0];
        for (int i = 1; i < betas.Length; i++)
        {
            rescaled[i] = 1f - alphaBar[i] / alphaBar[i - 1];
        }

        return rescaled;
    }
}
