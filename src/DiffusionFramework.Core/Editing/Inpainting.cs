using DiffusionFramework.Core.Sampling;
using TorchSharp;

namespace DiffusionFramework.Core.Editing;

/// <summary>
/// Inpainting by known-region replacement (Lugmayr et al. 2022, "RePaint: Inpainting using Denoising Diffusion
/// Probabilistic Models", arXiv 2201.09865, eq. 8 and Algorithm 1, lines 4-6): after every step the kept region of
/// the sample is replaced by the known data noised to the sample's new level, x_{t-1} = m ⊙ x_{t-1}^unknown
/// + (1 - m) ⊙ x_{t-1}^known with x_{t-1}^known ~ q(x_{t-1} | x0); after the last step by the known data itself.
/// Modality-agnostic: pixels, mel frames, atoms or tokens alike.
/// </summary>
/// <remarks>
/// Mask convention: 1 (white) = regenerate, 0 = keep; values between blend. Fresh noise is drawn for the known
/// region at every step (RePaint, Algorithm 1 line 4) from the run's noise source. The kept region of the final
/// sample is bit-for-bit the known data.
/// </remarks>
public sealed class Inpainting
{
    private Inpainting(torch.Tensor mask, torch.Tensor keep, torch.Tensor known)
    {
        Mask = mask;
        Keep = keep;
        Known = known;
    }

    /// <summary>The mask expanded to the sample shape, in the known data's dtype: 1 = regenerate, 0 = keep.</summary>
    public torch.Tensor Mask { get; }

    /// <summary>The known data x0 expanded to the sample shape.</summary>
    public torch.Tensor Known { get; }

    /// <summary>Where the mask is exactly 0.</summary>
    private torch.Tensor Keep { get; }

    /// <summary>
    /// Checks and prepares a mask and known data for samples of <paramref name="sampleShape"/>; run before any work.
    /// The tensors it keeps are views owned by the caller's dispose scope, on the known data's device.
    /// </summary>
    /// <param name="mask">1 = regenerate, 0 = keep; any shape that broadcasts to the sample (e.g. [1, 1, H, W]).</param>
    /// <param name="known">The data whose kept region is preserved; broadcasts to the sample shape.</param>
    /// <param name="sampleShape">The full batch shape of the samples.</param>
    /// <exception cref="ArgumentException">A shape does not broadcast (the message names both shapes), the known
    /// data is not floating point, or a mask value lies outside [0, 1].</exception>
    public static Inpainting Create(torch.Tensor mask, torch.Tensor known, long[] sampleShape)
    {
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentNullException.ThrowIfNull(known);
        ArgumentNullException.ThrowIfNull(sampleShape);
        SampleShapes.RequireBroadcast(mask, sampleShape, "the inpainting mask", nameof(mask));
        SampleShapes.RequireBroadcast(known, sampleShape, "the known image", nameof(known));
        if (!torch.is_floating_point(known))
        {
            throw new ArgumentException($"the known image must be floating point, got {known.dtype}.", nameof(known));
        }

        torch.Tensor m = mask.to(known.dtype, known.device);
        if (m.numel() > 0 && (m.min().ToDouble() is not >= 0 || m.max().ToDouble() is not <= 1))
        {
            throw new ArgumentException(
                "the inpainting mask must hold values in [0, 1] (1 = regenerate, 0 = keep).", nameof(mask));
        }

        torch.Tensor expanded = m.expand(sampleShape);
        return new Inpainting(expanded, expanded.eq(0), known.expand(sampleShape));
    }

    /// <summary>m ⊙ <paramref name="generated"/> + (1 - m) ⊙ <paramref name="known"/>, exactly
    /// <paramref name="known"/> where m = 0.</summary>
    public torch.Tensor Blend(torch.Tensor generated, torch.Tensor known)
    {
        ArgumentNullException.ThrowIfNull(generated);
        ArgumentNullException.ThrowIfNull(known);
        using var scope = torch.NewDisposeScope();
        torch.Tensor mixed = generated * Mask + known * (1 - Mask);
        return torch.where(Keep, known, mixed).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The replacement after step i for <see cref="SamplingOptions.AfterStep"/>: the kept region becomes
    /// <see cref="ISamplerRun.AddNoise"/>(known, ε, i + 1) with fresh ε from <paramref name="noise"/>, or the known
    /// data itself after the last step.
    /// </summary>
    /// <exception cref="NotSupportedException">The run does not know its noise levels (checked here, before work).</exception>
    public StepHook ReplaceKnown(ISamplerRun run, StepNoise noise)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(noise);
        int count = run.Timesteps.Count;
        run.NoiseLevelAt(count);
        return (sample, stepIndex) =>
        {
            if (stepIndex + 1 >= count)
            {
                return Blend(sample, Known);
            }

            using var scope = torch.NewDisposeScope();
            torch.Tensor knownNoised = run.AddNoise(Known, noise.Draw(sample), stepIndex + 1);
            return Blend(sample, knownNoised).MoveToOuterDisposeScope();
        };
    }
}
