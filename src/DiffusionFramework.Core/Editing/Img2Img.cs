using DiffusionFramework.Core.Sampling;
using TorchSharp;

namespace DiffusionFramework.Core.Editing;

/// <summary>
/// Image-to-image translation by SDEdit (Meng et al. 2022, "SDEdit: Guided Image Synthesis and Editing with
/// Stochastic Differential Equations", arXiv 2108.01073, sec. 3.2 and Algorithm 1): perturb the guide x^(g) with
/// noise to an intermediate level t0 = strength · T, then run the reverse process from there. Works with every
/// sampler whose run knows its noise levels (<see cref="ISamplerRun.NoiseLevelAt"/>), for any modality.
/// </summary>
/// <remarks>
/// Steps as diffusers' img2img pipelines (<c>get_timesteps</c>): of a run of n steps, the last
/// init = min(⌊n · strength⌋, n) are taken, starting at step index t_start · order with t_start = n - init; the start
/// sample is the run's own <c>add_noise</c> at that step. Strength 0 (or too few steps for any to remain) returns the
/// input unchanged, where diffusers raises.
/// </remarks>
public static class Img2Img
{
    /// <summary>Throws unless 0 ≤ <paramref name="strength"/> ≤ 1.</summary>
    /// <exception cref="ArgumentException">The message names the value.</exception>
    public static void RequireStrength(double strength)
    {
        if (!(strength is >= 0 and <= 1))
        {
            throw new ArgumentException(
                $"strength must lie in [0, 1] (0 keeps the input, 1 noises it to the first step's level), got {strength}.",
                nameof(strength));
        }
    }

    /// <summary>
    /// The step index to start at: t_start · order with t_start = n - min(⌊n · strength⌋, n) (diffusers'
    /// <c>get_timesteps</c> and <c>set_begin_index</c>), at most <c>run.Timesteps.Count</c> (nothing left to run).
    /// </summary>
    /// <param name="run">The run, created with <paramref name="numInferenceSteps"/> steps.</param>
    /// <param name="numInferenceSteps">n, as passed to <see cref="ISampler.CreateRun"/>.</param>
    /// <param name="strength">In [0, 1].</param>
    /// <exception cref="ArgumentException">strength outside [0, 1], or numInferenceSteps &lt; 1.</exception>
    public static int BeginIndex(ISamplerRun run, int numInferenceSteps, double strength)
    {
        ArgumentNullException.ThrowIfNull(run);
        RequireStrength(strength);
        SamplerGuards.RequireSteps(numInferenceSteps);
        int initTimestep = Math.Min((int)(numInferenceSteps * strength), numInferenceSteps);
        int tStart = Math.Max(numInferenceSteps - initTimestep, 0);
        return (int)Math.Min((long)tStart * run.Order, run.Timesteps.Count);
    }

    /// <summary>
    /// The sample the loop starts from at <paramref name="beginIndex"/>: <see cref="ISamplerRun.AddNoise"/> of
    /// <paramref name="original"/> at that step, or a copy of <paramref name="original"/> when no step remains.
    /// Pass <paramref name="beginIndex"/> on as <see cref="SamplingOptions.BeginIndex"/>.
    /// </summary>
    /// <param name="run">The run.</param>
    /// <param name="original">The input x0 (the guide), of the sample shape.</param>
    /// <param name="noise">ε of the same shape, from the modality's noise sampler and the run's generator.</param>
    /// <param name="beginIndex">From <see cref="BeginIndex"/>.</param>
    /// <exception cref="NotSupportedException">The run does not know its noise levels.</exception>
    public static torch.Tensor Start(ISamplerRun run, torch.Tensor original, torch.Tensor noise, int beginIndex)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(noise);
        ArgumentOutOfRangeException.ThrowIfNegative(beginIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(beginIndex, run.Timesteps.Count);
        return beginIndex == run.Timesteps.Count ? original.clone() : run.AddNoise(original, noise, beginIndex);
    }
}
