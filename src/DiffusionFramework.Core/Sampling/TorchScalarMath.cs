using TorchSharp;

namespace DiffusionFramework.Core.Sampling;

/// <summary>
/// float32 <c>log</c> and <c>exp</c> of a single value, evaluated by libtorch's CPU kernels. diffusers computes its
/// per-step coefficients on 0-d float32 tensors, whose vectorised log/exp (SLEEF, ≤ 1 ulp) can differ from the C
/// runtime's <see cref="MathF.Log(float)"/> by an ulp; evaluating them the same way keeps those coefficients equal.
/// </summary>
internal static class TorchScalarMath
{
    /// <summary>Natural logarithm in float32 (<c>torch.log</c>).</summary>
    public static float Log(float x) => Apply(x, static t => t.log());

    /// <summary>Exponential in float32 (<c>torch.exp</c>).</summary>
    public static float Exp(float x) => Apply(x, static t => t.exp());

    private static float Apply(float x, Func<torch.Tensor, torch.Tensor> op)
    {
        using var input = torch.tensor(x, device: torch.CPU);
        using var result = op(input);
        return result.item<float>();
    }
}
