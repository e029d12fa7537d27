using DiffusionFramework.Core.Sampling;

namespace DiffusionFramework.Tests.Sampling.KSamplers;

/// <summary>
/// The LMS weights against the exact integrals of the Lagrange basis polynomials, expanded and integrated term by term
/// in double here, and their exact properties: order 1 is Δσ, the weights of any order sum to Δσ (the basis sums to
/// 1), and order 2 has the closed form c_0 = Δσ (Δσ + 2 (σ_i - σ_{i-1})) / (2 (σ_i - σ_{i-1})).
/// </summary>
/// <remarks>diffusers evaluates the basis in float32 (see <see cref="LmsCoefficients"/>), so the weights differ from
/// the exact integrals by ~1e-7 of their scale.</remarks>
public class LmsCoefficientsTests
{
    private static readonly float[] Sigmas = [14.614642f, 9.723991f, 6.5117445f, 4.3891006f, 2.9714506f, 2.0043097f, 1.3065844f, 0.79050666f, 0.3960191f, 0.029167533f, 0f];

    public static TheoryData<int, int> StepsAndOrders()
    {
        var data = new TheoryData<int, int>();
        for (int i = 0; i < Sigmas.Length - 1; i++)
        {
            for (int order = 1; order <= Math.Min(i + 1, 4); order++)
            {
                data.Add(i, order);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(StepsAndOrders))]
    public void WeightsAreTheIntegralsOfTheLagrangeBasis(int i, int order)
    {
        double[] weights = LmsCoefficients.Compute(Sigmas, i, order);
        double dSigma = (double)Sigmas[i + 1] - Sigmas[i];
        double scale = Math.Abs(dSigma);
        Assert.Equal(order, weights.Length);
        for (int j = 0; j < order; j++)
        {
            Assert.True(Math.Abs(weights[j] - ExactIntegral(i, order, j)) <= 1e-6 * scale, $"c_{j}: {weights[j]} vs {ExactIntegral(i, order, j)}");
        }

        Assert.True(Math.Abs(weights.Sum() - dSigma) <= 1e-6 * scale);
        if (order == 1)
        {
            Assert.Equal(dSigma, weights[0], 1e-15 * scale);
        }

        if (order == 2)
        {
            double h = (double)Sigmas[i] - Sigmas[i - 1];
            Assert.Equal(dSigma * (dSigma + 2 * h) / (2 * h), weights[0], 1e-6 * scale);
        }
    }

    [Fact]
    public void RejectsAnOrderAboveTheStepsTaken() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => LmsCoefficients.Compute(Sigmas, 1, 3));

    /// <summary>∫_{σ_i}^{σ_{i+1}} ∏_{k≠j} (τ - σ_{i-k}) / (σ_{i-j} - σ_{i-k}) dτ: the product expanded into monomial
    /// coefficients, integrated exactly.</summary>
    private static double ExactIntegral(int i, int order, int j)
    {
        double[] poly = [1.0];
        for (int k = 0; k < order; k++)
        {
            if (k == j)
            {
                continue;
            }

            double root = Sigmas[i - k];
            double denominator = (double)Sigmas[i - j] - root;
            var next = new double[poly.Length + 1];
            for (int p = 0; p < poly.Length; p++)
            {
                next[p + 1] += poly[p] / denominator;
                next[p] -= poly[p] * root / denominator;
            }

            poly = next;
        }

        double Antiderivative(double x) => poly.Select((a, p) => a * Math.Pow(x, p + 1) / (p + 1)).Sum();
        return Antiderivative(Sigmas[i + 1]) - Antiderivative(Sigmas[i]);
    }
}
