using TorchSharp;

namespace DiffusionFramework.Core.Sampling;

/// <summary>
/// The multistep updates from level s0 (the current step) to level t (the next), with earlier levels s1, s2 and
/// their converted model outputs m0 (newest), m1, m2, and h = λ_t - λ_s0:
/// <list type="bullet">
/// <item>DPM-Solver++ (Lu et al. 2022, arXiv 2211.01095, eq. 9 and Algorithm 2), data prediction D:
/// x_t = (σ_t/σ_s0) x - α_t (e^{-h} - 1) D0 + higher-order terms in D1 ≈ h·dD/dλ and D2 ≈ h²/2·d²D/dλ².</item>
/// <item>DPM-Solver (Lu et al. 2022, arXiv 2206.00927, eq. 3.7 and Algorithms 1-3 in multistep form), noise
/// prediction ε: x_t = (α_t/α_s0) x - σ_t (e^{h} - 1) ε0 + ….</item>
/// </list>
/// The second-order rule is the midpoint rule (-½ φ1 D1) or Heun's (φ2 D1).
/// </summary>
/// <remarks>
/// Scalars are float32, as in diffusers; x is the float32 sample, the model outputs keep their
/// dtype, and the result is promoted to the wider of the two.
/// </remarks>
internal static class DpmSolverUpdate
{
    /// <summary>First order (equivalent to DDIM, Lu et al. 2022, sec. 4.1).</summary>
    public static torch.Tensor FirstOrder(bool dataPrediction, VpNoiseLevel t, VpNoiseLevel s0, torch.Tensor x,
        torch.Tensor m0)
    {
        var phi = Phi.Of(dataPrediction, t, s0);
        return x * phi.Ratio - m0 * phi.Phi1;
    }

    /// <summary>Second-order multistep update with D1 = (m0 - m1) / r0, r0 = h_0 / h.</summary>
    public static torch.Tensor SecondOrder(bool dataPrediction, bool heun, VpNoiseLevel t, VpNoiseLevel s0,
        VpNoiseLevel s1, torch.Tensor x, torch.Tensor m0, torch.Tensor m1)
    {
        var phi = Phi.Of(dataPrediction, t, s0);
        float r0 = (s0.Lambda - s1.Lambda) / phi.H;
        torch.Tensor d1 = (m0 - m1) * (1f / r0);
        float d1Coefficient = heun ? phi.Phi2 : -(0.5f * phi.Phi1);
        return x * phi.Ratio - m0 * phi.Phi1 + d1 * d1Coefficient;
    }

    /// <summary>Third-order multistep update with the divided differences D1 and D2 of m0, m1, m2 in λ.</summary>
    public static torch.Tensor ThirdOrder(bool dataPrediction, VpNoiseLevel t, VpNoiseLevel s0, VpNoiseLevel s1,
        VpNoiseLevel s2, torch.Tensor x, torch.Tensor m0, torch.Tensor m1, torch.Tensor m2)
    {
        var phi = Phi.Of(dataPrediction, t, s0);
        float r0 = (s0.Lambda - s1.Lambda) / phi.H;
        float r1 = (s1.Lambda - s2.Lambda) / phi.H;
        torch.Tensor d10 = (m0 - m1) * (1f / r0);
        torch.Tensor d11 = (m1 - m2) * (1f / r1);
        torch.Tensor d1 = d10 + (d10 - d11) * (r0 / (r0 + r1));
        torch.Tensor d2 = (d10 - d11) * (1f / (r0 + r1));
        return x * phi.Ratio - m0 * phi.Phi1 + d1 * phi.Phi2 - d2 * phi.Phi3;
    }

    /// <summary>
    /// The float32 coefficients of one step: the ratio multiplying x and the φ weights of D0, D1, D2, signed so
    /// that x_t = ratio·x - φ1·D0 + φ2·D1 - φ3·D2. With e = e^{∓h} - 1 (data/noise prediction):
    /// data: ratio = σ_t/σ_s0, φ1 = α_t e, φ2 = α_t (e/h + 1), φ3 = α_t ((e + h)/h² - ½);
    /// noise: ratio = α_t/α_s0, φ1 = σ_t e, φ2 = -σ_t (e/h - 1), φ3 = σ_t ((e - h)/h² - ½).
    /// </summary>
    private readonly record struct Phi(float H, float Ratio, float Phi1, float Phi2, float Phi3)
    {
        public static Phi Of(bool dataPrediction, VpNoiseLevel t, VpNoiseLevel s0)
        {
            float h = t.Lambda - s0.Lambda;
            if (dataPrediction)
            {
                float e = MathF.Exp(-h) - 1f;
                return new Phi(h, t.Sigma / s0.Sigma, t.Alpha * e, t.Alpha * (e / h + 1f),
                    t.Alpha * ((e + h) / (h * h) - 0.5f));
            }

            float en = MathF.Exp(h) - 1f;
            return new Phi(h, t.Alpha / s0.Alpha, t.Sigma * en, -(t.Sigma * (en / h - 1f)),
                t.Sigma * ((en - h) / (h * h) - 0.5f));
        }
    }
}
