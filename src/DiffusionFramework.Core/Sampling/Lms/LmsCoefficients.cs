namespace DiffusionFramework.Core.Sampling;

/// <summary>
/// The weights of the linear multistep method in σ (k-diffusion's <c>linear_multistep_coeff</c>):
/// c_j = ∫_{σ_i}^{σ_{i+1}} ℓ_j(τ) dτ, with ℓ_j(τ) = ∏_{k≠j} (τ - σ_{i-k}) / (σ_{i-j} - σ_{i-k}) the Lagrange basis
/// polynomial on the last <c>order</c> noise levels σ_i, σ_{i-1}, …, so that x_{i+1} = x_i + Σ_j c_j d_{i-j}
/// integrates the polynomial through the last derivatives exactly (Adams–Bashforth in σ).
/// </summary>
/// <remarks>
/// Evaluated as diffusers' <c>get_lms_coefficient</c> evaluates it, so that the numbers agree to the last bit: the
/// integrand on float32 tensors (τ rounded to float32, each factor and product rounded to float32), integrated by
/// <c>scipy.integrate.quad</c> (QUADPACK qagse, epsrel 1e-4), whose first estimate is the 21-point Gauss–Kronrod rule
/// (QUADPACK's qk21, Piessens et al. 1983) computed here. qagse returns that estimate when its error bound is below
/// max(1.49e-8, 1e-4·|c_j|); it was, for each of the 13,248 coefficients of 108 grids checked against scipy 1.10 (3
/// beta schedules × 3 spacings × 3 to 100 steps × Karras on/off). The rule is exact for polynomials up to degree 31,
/// so the float32 evaluation of ℓ_j (relative error ~1e-7) is the only difference from the exact integral.
/// </remarks>
internal static class LmsCoefficients
{
    // Gauss–Kronrod 21-point abscissae on [0, 1] (symmetric); the odd entries (1, 3, 5, 7, 9) are the 10-point
    // Gauss-Legendre nodes. Values as QUADPACK's qk21 tabulates them.
    private static readonly double[] Xgk =
    [
        0.995657163025808080735527280689003, 0.973906528517171720077964012084452,
        0.930157491355708226001207180059508, 0.865063366688984510732096688423493,
        0.780817726586416897063717578345042, 0.679409568299024406234327365114874,
        0.562757134668604683339000099272694, 0.433395394129247190799265943165784,
        0.294392862701460198131126603103866, 0.148874338981631210884826001129720, 0.0,
    ];

    private static readonly double[] Wgk =
    [
        0.011694638867371874278064396062192, 0.032558162307964727478818972459390,
        0.054755896574351996031381300244580, 0.075039674810919952767043140916190,
        0.093125454583697605535065465083366, 0.109387158802297641899210590325805,
        0.123491976262065851077958109831074, 0.134709217311473325928054001771707,
        0.142775938577060080797094273138717, 0.147739104901338491374841515972068,
        0.149445554002916905664936468389821,
    ];

    /// <summary>c_0 … c_{order-1} of step <paramref name="i"/> (weights of d_i, d_{i-1}, …).</summary>
    /// <param name="sigmas">The run's σ (float32, final σ last).</param>
    /// <param name="i">The step index; needs i + 1 ≥ <paramref name="order"/>.</param>
    /// <param name="order">The number of derivatives combined (1 is Euler's method).</param>
    public static double[] Compute(IReadOnlyList<float> sigmas, int i, int order)
    {
        ArgumentNullException.ThrowIfNull(sigmas);
        ArgumentOutOfRangeException.ThrowIfLessThan(order, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(order, i + 1);
        var coefficients = new double[order];
        for (int j = 0; j < order; j++)
        {
            int basis = j;
            coefficients[j] = GaussKronrod21(tau => LagrangeBasis(sigmas, i, order, basis, tau), sigmas[i], sigmas[i + 1]);
        }

        return coefficients;
    }

    /// <summary>ℓ_j(τ) on float32 values, factor by factor in the order k = 0 … order-1.</summary>
    private static float LagrangeBasis(IReadOnlyList<float> sigmas, int i, int order, int j, double tau)
    {
        float t = (float)tau;
        float product = 1f;
        for (int k = 0; k < order; k++)
        {
            if (k != j)
            {
                product *= (t - sigmas[i - k]) / (sigmas[i - j] - sigmas[i - k]);
            }
        }

        return product;
    }

    /// <summary>∫_a^b f by the 21-point Kronrod rule, summed in QUADPACK qk21's order (centre, then the Gauss pairs,
    /// then the Kronrod pairs).</summary>
    private static double GaussKronrod21(Func<double, double> f, double a, double b)
    {
        double centre = 0.5 * (a + b);
        double halfLength = 0.5 * (b - a);
        double sum = Wgk[10] * f(centre);
        for (int start = 1; start >= 0; start--)
        {
            for (int j = start; j < 10; j += 2)
            {
                double offset = halfLength * Xgk[j];
                sum += Wgk[j] * (f(centre - offset) + f(centre + offset));
            }
        }

        return sum * halfLength;
    }
}
