using TorchSharp;

namespace DiffusionFramework.Core.Diffusion;

/// <summary>
/// The rectified-flow (conditional optimal-transport) path x_σ = (1 - σ) x0 + σ ε, σ in [0, 1], and its velocity
/// dx_σ/dσ = ε - x0, the regression target of a <see cref="Abstractions.PredictionType.Flow"/> model (Lipman et al.
/// 2022, "Flow Matching for Generative Modeling", arXiv 2210.02747, eq. 20-23 with σ_min = 0; Liu et al. 2022,
/// arXiv 2209.03003, eq. 1; Esser et al. 2024, arXiv 2403.03206, eq. 3 and 6).
/// </summary>
/// <remarks>The time direction is diffusers' (σ = 1 is pure noise), so the target is ε - x0 rather than the papers'
/// x1 - ε. Results are on the sample's device in the sample's dtype.</remarks>
public static class FlowMatchPath
{
    /// <summary>x_σ = (1 - σ) x0 + σ ε (diffusers' <c>FlowMatchEulerDiscreteScheduler.scale_noise</c> and the SD3
    /// training scripts' <c>noisy_model_input</c>).</summary>
    /// <param name="x0">Clean samples [B, ...].</param>
    /// <param name="noise">ε, same shape.</param>
    /// <param name="sigmas">σ per sample [B], or one σ as a scalar tensor.</param>
    public static torch.Tensor AddNoise(torch.Tensor x0, torch.Tensor noise, torch.Tensor sigmas)
    {
        ArgumentNullException.ThrowIfNull(x0);
        ArgumentNullException.ThrowIfNull(noise);
        ArgumentNullException.ThrowIfNull(sigmas);
        using var scope = torch.NewDisposeScope();
        torch.Tensor sigma = Broadcastable(sigmas, x0);
        return (sigma * noise + (1.0 - sigma) * x0).MoveToOuterDisposeScope();
    }

    /// <summary>v = ε - x0: the velocity of the path, the same at every σ for a given (x0, ε).</summary>
    public static torch.Tensor Velocity(torch.Tensor x0, torch.Tensor noise)
    {
        ArgumentNullException.ThrowIfNull(x0);
        ArgumentNullException.ThrowIfNull(noise);
        return noise - x0;
    }

    /// <summary>σ in <paramref name="like"/>'s dtype and device, shaped [B, 1, ...] (a scalar stays a scalar).</summary>
    private static torch.Tensor Broadcastable(torch.Tensor sigmas, torch.Tensor like)
    {
        torch.Tensor sigma = sigmas.to(like.dtype, like.device);
        if (sigma.dim() == 0)
            return sigma;
        if (sigma.dim() != 1 || like.dim() < 1 || sigma.shape[0] != like.shape[0])
            throw new ArgumentException(
                $"sigmas must be a scalar or one per sample [{(like.dim() < 1 ? "" : like.shape[0])}], got " +
                $"[{string.Join(", ", sigma.shape)}].", nameof(sigmas));
        long[] shape = new long[like.dim()];
        Array.Fill(shape, 1L);
        shape[0] = sigma.shape[0];
        return sigma.view(shape);
    }
}
