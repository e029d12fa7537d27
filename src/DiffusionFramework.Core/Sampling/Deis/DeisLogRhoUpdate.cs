using DiffusionFramework.Core.Schedules;
using TorchSharp;

namespace DiffusionFramework.Core.Sampling;

/// <summary>
/// The multistep log-ρ DEIS updates (Zhang and Chen 2022, "Fast Sampling of Diffusion Models with Exponential
/// Integrator", arXiv 2204.13902, sec. 4, "ρAB-DEIS"): with ρ = σ_t/α_t, x_t/α_t = x_s/α_s + Σ_j C_j ε_j, where
/// ε_j are the noise predictions at the last levels and C_j = ∫ℓ_j(ln ρ) dρ from ρ_s to ρ_t integrates their
/// Lagrange basis polynomials in ln ρ. The first-order update is DDIM (<see cref="DpmSolverUpdate.FirstOrder"/> on ε).
/// </summary>
/// <remarks>
/// As in diffusers, ρ is float32 and ln ρ is numpy's float32 log (<see cref="NumpyFloat32.Log"/>); the integrals are
/// evaluated in float32 in diffusers' operation order; the sample keeps its dtype.
/// </remarks>
internal static class DeisLogRhoUpdate
{
    /// <summary>Second order from s0 with ε at s0 (m0) and s1 (m1).</summary>
    public static torch.Tensor SecondOrder(VpNoiseLevel t, VpNoiseLevel s0, VpNoiseLevel s1, torch.Tensor x,
        torch.Tensor m0, torch.Tensor m1)
    {
        (float rt, float r0, float r1) = (Rho(t), Rho(s0), Rho(s1));
        float c0 = Linear(rt, r0, r1) - Linear(r0, r0, r1);
        float c1 = Linear(rt, r1, r0) - Linear(r0, r1, r0);
        return (x / s0.Alpha + m0 * c0 + m1 * c1) * t.Alpha;
    }

    /// <summary>Third order from s0 with ε at s0, s1, s2.</summary>
    public static torch.Tensor ThirdOrder(VpNoiseLevel t, VpNoiseLevel s0, VpNoiseLevel s1, VpNoiseLevel s2,
        torch.Tensor x, torch.Tensor m0, torch.Tensor m1, torch.Tensor m2)
    {
        (float rt, float r0, float r1, float r2) = (Rho(t), Rho(s0), Rho(s1), Rho(s2));
        float c0 = Quadratic(rt, r0, r1, r2) - Quadratic(r0, r0, r1, r2);
        float c1 = Quadratic(rt, r1, r2, r0) - Quadratic(r0, r1, r2, r0);
        float c2 = Quadratic(rt, r2, r0, r1) - Quadratic(r0, r2, r0, r1);
        return (x / s0.Alpha + m0 * c0 + m1 * c1 + m2 * c2) * t.Alpha;
    }

    private static float Rho(VpNoiseLevel level) => level.Sigma / level.Alpha;

    /// <summary>Antiderivative of (ln τ - ln c)/(ln b - ln c) at τ: τ (ln τ - ln c - 1)/(ln b - ln c).</summary>
    private static float Linear(float tau, float b, float c)
    {
        (float lt, float lb, float lc) = (NumpyFloat32.Log(tau), NumpyFloat32.Log(b), NumpyFloat32.Log(c));
        return tau * (-lc + lt - 1f) / (lb - lc);
    }

    /// <summary>Antiderivative of (ln τ - ln c)(ln τ - ln d)/((ln b - ln c)(ln b - ln d)) at τ:
    /// τ (ln c (ln d - ln τ + 1) - ln d ln τ + ln d + ln²τ - 2 ln τ + 2) / ((ln b - ln c)(ln b - ln d)).</summary>
    private static float Quadratic(float tau, float b, float c, float d)
    {
        (float lt, float lb) = (NumpyFloat32.Log(tau), NumpyFloat32.Log(b));
        (float lc, float ld) = (NumpyFloat32.Log(c), NumpyFloat32.Log(d));
        float numerator = tau * (lc * (ld - lt + 1f) - ld * lt + ld + lt * lt - 2f * lt + 2f);
        return numerator / ((lb - lc) * (lb - ld));
    }
}
