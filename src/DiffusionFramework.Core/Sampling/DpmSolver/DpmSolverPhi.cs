using DiffusionFramework.Core.Schedules;

namespace DiffusionFramework.Core.Sampling;

/// <summary>
/// The float32 coefficients of one DPM-Solver step from level s to level t, h = λ_t - λ_s, signed so that
/// x_t = Ratio·x - Phi1·D0 + Phi2·D1 - Phi3·D2 + NoiseScale·z, evaluated in diffusers' order:
/// <list type="bullet">
/// <item>DPM-Solver++ (data prediction, Lu et al. 2022, arXiv 2211.01095, eq. 9): with e = e^{-h} - 1,
/// Ratio = σ_t/σ_s, Phi1 = α_t e, Phi2 = α_t (e/h + 1), Phi3 = α_t ((e + h)/h² - ½).</item>
/// <item>DPM-Solver (noise prediction, Lu et al. 2022, arXiv 2206.00927, eq. 3.7): with e = e^h - 1,
/// Ratio = α_t/α_s, Phi1 = σ_t e, Phi2 = -σ_t (e/h - 1), Phi3 = σ_t ((e - h)/h² - ½).</item>
/// <item>SDE-DPM-Solver++ (arXiv 2211.01095, appendix): with u = 1 - e^{-2h}, Ratio = σ_t/σ_s·e^{-h},
/// Phi1 = -α_t u, Phi2 = α_t (u/(-2h) + 1), Phi3 = -α_t ((u - 2h)/(2h)² - ½), NoiseScale = σ_t √u.</item>
/// <item>SDE-DPM-Solver: Ratio = α_t/α_s, Phi1 = 2σ_t (e^h - 1), Phi2 = -2σ_t ((e^h - 1)/h - 1),
/// NoiseScale = σ_t √(e^{2h} - 1); no third-order coefficient (Phi3 is NaN).</item>
/// </list>
/// The midpoint rule's D1 coefficient is -½·Phi1 in every variant. Exponentials are torch's
/// (<see cref="TorchFloat32.Exp"/>).
/// </summary>
/// <param name="H">h = λ_t - λ_s.</param>
/// <param name="Ratio">Coefficient of the current sample.</param>
/// <param name="Phi1">Coefficient of D0 (subtracted).</param>
/// <param name="Phi2">Heun/third-order coefficient of D1 (added).</param>
/// <param name="Phi3">Coefficient of D2 (subtracted).</param>
/// <param name="NoiseScale">Coefficient of the injected noise (0 for the ODE).</param>
internal readonly record struct DpmSolverPhi(float H, float Ratio, float Phi1, float Phi2, float Phi3, float NoiseScale)
{
    /// <summary>The coefficients of <paramref name="variant"/> from <paramref name="s"/> to <paramref name="t"/>.</summary>
    public static DpmSolverPhi Of(DpmSolverVariant variant, VpNoiseLevel t, VpNoiseLevel s)
    {
        float h = t.Lambda - s.Lambda;
        if (variant.DataPrediction && variant.Sde)
        {
            float u = 1f - TorchFloat32.Exp(-2f * h);
            return new DpmSolverPhi(h, t.Sigma / s.Sigma * TorchFloat32.Exp(-h), -(t.Alpha * u), t.Alpha * (u / (-2f * h) + 1f),
                -(t.Alpha * ((u - 2f * h) / (2f * h * (2f * h)) - 0.5f)), t.Sigma * MathF.Sqrt(u));
        }

        if (variant.DataPrediction)
        {
            float e = TorchFloat32.Exp(-h) - 1f;
            return new DpmSolverPhi(h, t.Sigma / s.Sigma, t.Alpha * e, t.Alpha * (e / h + 1f),
                t.Alpha * ((e + h) / (h * h) - 0.5f), 0f);
        }

        float en = TorchFloat32.Exp(h) - 1f;
        if (variant.Sde)
        {
            return new DpmSolverPhi(h, t.Alpha / s.Alpha, 2f * (t.Sigma * en), -(2f * (t.Sigma * (en / h - 1f))),
                float.NaN, t.Sigma * MathF.Sqrt(TorchFloat32.Exp(2f * h) - 1f));
        }

        return new DpmSolverPhi(h, t.Alpha / s.Alpha, t.Sigma * en, -(t.Sigma * (en / h - 1f)),
            t.Sigma * ((en - h) / (h * h) - 0.5f), 0f);
    }

    /// <summary>The D1 coefficient of a second-order step: Phi2 (Heun) or -½·Phi1 (midpoint).</summary>
    public float SecondOrderD1(bool heun) => heun ? Phi2 : -(0.5f * Phi1);
}
