using DiffusionFramework.Core.Diffusion;
using DiffusionFramework.Core.Schedules;
using TorchSharp;

namespace DiffusionFramework.Core.Sampling;

/// <summary>
/// <see cref="ISamplerRun.NoiseLevelAt"/> and <see cref="ISamplerRun.AddNoise"/> of a run over integer training
/// timesteps of a variance-preserving schedule (DDPM, DDIM, PNDM): step i's sample is at alphā of its timestep, and after
/// the last step at the run's final alphā (1, or alphā_0 without set_alpha_to_one).
/// </summary>
internal static class TimestepNoiseLevels
{
    /// <summary>(√alphā, √(1 - alphā)) of step <paramref name="stepIndex"/>, 0 .. timesteps.Count.</summary>
    public static NoiseLevel At(NoiseSchedule schedule, IReadOnlyList<long> timesteps, float finalAlphaCumprod,
        int stepIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(stepIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(stepIndex, timesteps.Count);
        return NoiseLevel.FromAlphaCumprod(stepIndex < timesteps.Count
            ? schedule.AlphasCumprod[(int)timesteps[stepIndex]]
            : finalAlphaCumprod);
    }

    /// <summary>
    /// diffusers' <c>add_noise</c> at step i's timestep (<see cref="ForwardProcess.AddNoise"/>: √alphā and √(1 - alphā)
    /// at the sample's precision); after the last step, the final level.
    /// </summary>
    public static torch.Tensor AddNoise(NoiseSchedule schedule, IReadOnlyList<long> timesteps, float finalAlphaCumprod,
        torch.Tensor original, torch.Tensor noise, int stepIndex)
    {
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(noise);
        if (stepIndex < 0 || stepIndex >= timesteps.Count)
        {
            return At(schedule, timesteps, finalAlphaCumprod, stepIndex).Apply(original, noise);
        }

        using torch.Tensor t = torch.full(original.shape[0], timesteps[stepIndex], dtype: torch.ScalarType.Int64,
            device: original.device);
        return ForwardProcess.AddNoise(schedule, original, noise, t);
    }
}
