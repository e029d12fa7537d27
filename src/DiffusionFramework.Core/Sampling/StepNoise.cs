using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Noise;
using TorchSharp;

namespace DiffusionFramework.Core.Sampling;

/// <summary>
/// The noise source of a sampling run: the modality's <see cref="INoiseSampler"/>, the run's seeded generator and the
/// conditioning whose masks restrict the noise. Stochastic sampler steps draw through it, so a test can replay noise.
/// </summary>
/// <param name="Sampler">Draws the noise.</param>
/// <param name="Generator">The run's generator, or null for torch's global one.</param>
/// <param name="Conditioning">Masks for the noise sampler, or null.</param>
public sealed record StepNoise(INoiseSampler Sampler, torch.Generator? Generator = null, Conditioning? Conditioning = null)
{
    /// <summary>Standard Gaussian noise from the global generator.</summary>
    public static StepNoise Default { get; } = new(GaussianNoiseSampler.Instance);

    /// <summary>Draws noise of <paramref name="like"/>'s shape, dtype and device.</summary>
    public torch.Tensor Draw(torch.Tensor like) =>
        Sampler.Sample(like.shape, like.dtype, like.device, Generator, Conditioning);
}
