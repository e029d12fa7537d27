using DiffusionFramework.Abstractions;
using TorchSharp;

namespace DiffusionFramework.Core.Guidance;

/// <summary>
/// Classifier-free guidance (Ho and Salimans 2022, arXiv 2207.12598, eq. 6): ε̃ = ε_uncond + w (ε_cond - ε_uncond),
/// optionally rescaled toward the conditional prediction's standard deviation (Lin et al. 2023, arXiv 2305.08891,
/// sec. 3.4; diffusers' <c>rescale_noise_cfg</c>).
/// </summary>
/// <param name="GuidanceScale">w; 1 calls the model once, conditionally, as diffusers does for w ≤ 1. The same
/// combination applies to whatever the model predicts (ε, v, x0, or a flow velocity as in diffusers' SD3 pipeline).</param>
/// <param name="GuidanceRescale">φ in [0, 1]; 0 disables the rescale.</param>
/// <remarks>
/// <para>The unconditional branch calls the denoiser with <see cref="Conditioning.DropCondition"/> = true. Because that
/// flag covers a whole call, the two branches are two forward calls; batching them into one would need a per-sample
/// drop flag in the contract.</para>
/// <para>Which models can be guided: the contract has no way to ask a denoiser whether it honours
/// <see cref="Conditioning.DropCondition"/>, so the rule is (1) a denoiser that reads class labels or a context must
/// ignore them when the flag is set (and be trained with condition dropout, the Trainer's
/// <c>ConditionDropProbability</c>), and (2) guidance with w &gt; 1 needs a conditioning that carries class labels or a
/// context to drop; without one it is an <see cref="ArgumentException"/>, raised by <see cref="Wrap"/> before any work.
/// </para>
/// </remarks>
public sealed record ClassifierFreeGuidance(double GuidanceScale, double GuidanceRescale = 0.0)
{
    /// <summary>The model callable for the sampling loop: the guided prediction of <paramref name="denoiser"/>.</summary>
    /// <exception cref="ArgumentException">A scale that is not finite, a rescale outside [0, 1], or w &gt; 1 with a
    /// conditioning that has neither class labels nor a context to drop.</exception>
    public Func<torch.Tensor, torch.Tensor, torch.Tensor> Wrap(IDenoiser denoiser, Conditioning conditioning)
    {
        ArgumentNullException.ThrowIfNull(denoiser);
        ArgumentNullException.ThrowIfNull(conditioning);
        if (!double.IsFinite(GuidanceScale) || !(GuidanceRescale is >= 0 and <= 1))
        {
            throw new ArgumentException(
                $"guidance scale must be finite and guidance rescale in [0, 1], got {GuidanceScale} and {GuidanceRescale}.");
        }

        if (GuidanceScale > 1 && conditioning.ClassLabels is null && conditioning.Context is null)
        {
            throw new ArgumentException(
                $"classifier-free guidance (scale {GuidanceScale}) needs a condition to drop, but the conditioning has " +
                "no class labels and no context; use guidance scale 1 for an unconditional model.");
        }

        Conditioning unconditional = conditioning with { DropCondition = true };
        if (GuidanceScale <= 1)
        {
            return (x, t) => denoiser.Forward(x, t, conditioning);
        }

        return (x, t) =>
        {
            using var scope = torch.NewDisposeScope();
            torch.Tensor cond = denoiser.Forward(x, t, conditioning);
            torch.Tensor uncond = denoiser.Forward(x, t, unconditional);
            return Combine(cond, uncond).MoveToOuterDisposeScope();
        };
    }

    /// <summary>ε_uncond + w (ε_cond - ε_uncond), then the rescale when φ &gt; 0.</summary>
    public torch.Tensor Combine(torch.Tensor conditional, torch.Tensor unconditional)
    {
        using var scope = torch.NewDisposeScope();
        torch.Tensor guided = unconditional + (conditional - unconditional) * GuidanceScale;
        if (GuidanceRescale > 0)
        {
            guided = Rescale(guided, conditional, GuidanceRescale);
        }

        return guided.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// φ · x_cfg · std(x_cond) / std(x_cfg) + (1 - φ) · x_cfg, standard deviations per sample over all non-batch
    /// dimensions (unbiased, as torch's <c>std</c>); Lin et al. 2023, Algorithm 2.
    /// </summary>
    public static torch.Tensor Rescale(torch.Tensor guided, torch.Tensor conditional, double guidanceRescale)
    {
        using var scope = torch.NewDisposeScope();
        long[] dims = Enumerable.Range(1, (int)guided.dim() - 1).Select(d => (long)d).ToArray();
        torch.Tensor stdCond = conditional.std(dims, unbiased: true, keepdim: true);
        torch.Tensor stdGuided = guided.std(dims, unbiased: true, keepdim: true);
        torch.Tensor rescaled = guided * (stdCond / stdGuided);
        return (rescaled * guidanceRescale + guided * (1 - guidanceRescale)).MoveToOuterDisposeScope();
    }
}
