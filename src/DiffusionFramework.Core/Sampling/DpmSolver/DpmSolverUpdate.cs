using TorchSharp;

namespace DiffusionFramework.Core.Sampling;

/// <summary>
/// DPM-Solver updates to level t from a sample at level s with the converted model outputs D0 (at s) and a divided
/// difference D1 ≈ h·dD/dλ, as the coefficients of <see cref="DpmSolverPhi"/> (Lu et al. 2022, arXiv 2206.00927,
/// Algorithms 1-3; DPM-Solver++, arXiv 2211.01095, eq. 9 and Algorithm 2): the first-order step (DDIM, sec. 4.1),
/// the second-order step shared by the multistep and singlestep solvers, and the multistep third-order step. The
/// second-order rule is the midpoint rule (-½ φ1 D1) or Heun's (φ2 D1). SDE variants add z·NoiseScale.
/// </summary>
/// <remarks>
/// Scalars are float32, as in diffusers; x keeps its dtype (multistep passes the float32-cast sample), the model
/// outputs keep theirs, and the result is promoted to the wider of the two.
/// </remarks>
internal static class DpmSolverUpdate
{
    /// <summary>First order (equivalent to DDIM, Lu et al. 2022, sec. 4.1).</summary>
    public static torch.Tensor FirstOrder(DpmSolverVariant variant, VpNoiseLevel t, VpNoiseLevel s0, torch.Tensor x,
        torch.Tensor m0, torch.Tensor? noise)
    {
        var phi = DpmSolverPhi.Of(variant, t, s0);
        return WithNoise(x * phi.Ratio - m0 * phi.Phi1, phi, noise);
    }

    /// <summary>
    /// Second order from level <paramref name="from"/> (the sample's level): D1 = (newer - older) / r0. Multistep:
    /// from = s0, d0 = newer = m0, older = m1; singlestep: from = s1, d0 = older = m1, newer = m0.
    /// </summary>
    /// <param name="variant">The algorithm.</param>
    /// <param name="heun">Heun's rule, else the midpoint rule.</param>
    /// <param name="t">Target level.</param>
    /// <param name="from">Level of <paramref name="x"/>.</param>
    /// <param name="r0">(λ_s0 - λ_s1) / (λ_t - λ_from), from <see cref="StepRatio"/>.</param>
    /// <param name="x">The sample at <paramref name="from"/>.</param>
    /// <param name="d0">The model output at <paramref name="from"/>.</param>
    /// <param name="newer">The model output at s0.</param>
    /// <param name="older">The model output at s1.</param>
    /// <param name="noise">Noise of an SDE step, else null.</param>
    public static torch.Tensor SecondOrder(DpmSolverVariant variant, bool heun, VpNoiseLevel t, VpNoiseLevel from,
        float r0, torch.Tensor x, torch.Tensor d0, torch.Tensor newer, torch.Tensor older, torch.Tensor? noise)
    {
        var phi = DpmSolverPhi.Of(variant, t, from);
        torch.Tensor d1 = (newer - older) * (1f / r0);
        return WithNoise(x * phi.Ratio - d0 * phi.Phi1 + d1 * phi.SecondOrderD1(heun), phi, noise);
    }

    /// <summary>Multistep third order with the divided differences D1 and D2 of m0, m1, m2 in λ.</summary>
    public static torch.Tensor ThirdOrder(DpmSolverVariant variant, VpNoiseLevel t, VpNoiseLevel s0, VpNoiseLevel s1,
        VpNoiseLevel s2, torch.Tensor x, torch.Tensor m0, torch.Tensor m1, torch.Tensor m2, torch.Tensor? noise)
    {
        var phi = DpmSolverPhi.Of(variant, t, s0);
        float r0 = (s0.Lambda - s1.Lambda) / phi.H;
        float r1 = (s1.Lambda - s2.Lambda) / phi.H;
        torch.Tensor d10 = (m0 - m1) * (1f / r0);
        torch.Tensor d11 = (m1 - m2) * (1f / r1);
        torch.Tensor d1 = d10 + (d10 - d11) * (r0 / (r0 + r1));
        torch.Tensor d2 = (d10 - d11) * (1f / (r0 + r1));
        return WithNoise(x * phi.Ratio - m0 * phi.Phi1 + d1 * phi.Phi2 - d2 * phi.Phi3, phi, noise);
    }

    /// <summary>r = (λ_a - λ_b) / (λ_t - λ_from) in float32 (h_0 / h of diffusers).</summary>
    public static float StepRatio(VpNoiseLevel t, VpNoiseLevel from, VpNoiseLevel a, VpNoiseLevel b) =>
        (a.Lambda - b.Lambda) / (t.Lambda - from.Lambda);

    /// <summary>Adds σ_t·√(…)·z of an SDE step (the product in the noise's dtype, as diffusers forms it).</summary>
    public static torch.Tensor WithNoise(torch.Tensor partial, DpmSolverPhi phi, torch.Tensor? noise) =>
        noise is null ? partial : partial + noise * phi.NoiseScale;
}
