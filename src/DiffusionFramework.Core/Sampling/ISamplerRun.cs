using TorchSharp;

namespace DiffusionFramework.Core.Sampling;

/// <summary>
/// The state of one sampling run (diffusers' scheduler after <c>set_timesteps</c>). Call
/// <see cref="ScaleModelInput"/>, the model, then <see cref="Step"/> for step index 0, 1, ... in order, on one thread
/// (img2img starts at a later index, see <see cref="SamplingOptions.BeginIndex"/>).
/// Steps are addressed by index, never by timestep value: second-order solvers repeat timesteps.
/// </summary>
/// <remarks>A run may hold tensors between steps (multistep solvers): dispose it when the run is over.</remarks>
public interface ISamplerRun : IDisposable
{
    /// <summary>One timestep per model call, in training units (diffusers' <c>scheduler.timesteps</c>; EDM Euler's
    /// are its noise conditioning c_noise = ln(σ)/4, flow matching's σ·T).</summary>
    IReadOnlyList<double> Timesteps { get; }

    /// <summary>Model calls per step of the underlying solver (diffusers' <c>order</c>).</summary>
    int Order { get; }

    /// <summary>Standard deviation of the initial noise: x_T = <see cref="InitNoiseSigma"/> · N(0, I).</summary>
    double InitNoiseSigma { get; }

    /// <summary>The model input for step <paramref name="stepIndex"/> (identity for DDPM/DDIM; 1/√(σ²+1) for
    /// sigma-space samplers). Returns a new tensor, never <paramref name="sample"/> itself.</summary>
    torch.Tensor ScaleModelInput(torch.Tensor sample, int stepIndex);

    /// <summary>Advances <paramref name="sample"/> from step <paramref name="stepIndex"/> to the next one.</summary>
    /// <param name="modelOutput">The model's prediction for the scaled input at this step.</param>
    /// <param name="stepIndex">0-based index into <see cref="Timesteps"/>.</param>
    /// <param name="sample">The current sample x_t.</param>
    /// <param name="noise">Where stochastic steps draw their noise.</param>
    SamplerStepResult Step(torch.Tensor modelOutput, int stepIndex, torch.Tensor sample, StepNoise noise);

    /// <summary>
    /// The noise level of the sample handed to step <paramref name="stepIndex"/>: x_i = α x0 + σ ε. Index
    /// <c>Timesteps.Count</c> is the level after the last step. Img2img, inpainting and RePaint need it.
    /// </summary>
    /// <remarks>Implemented once for DDPM-type runs (<c>DiscreteTimestepRun</c>) and once for σ-space runs
    /// (<c>ISigmaSpaceRun</c>); a run of its own kind overrides it (or img2img and inpainting refuse it).</remarks>
    /// <exception cref="NotSupportedException">The run does not know its noise levels.</exception>
    /// <exception cref="ArgumentOutOfRangeException">stepIndex outside 0 .. Timesteps.Count.</exception>
    NoiseLevel NoiseLevelAt(int stepIndex) => throw new NotSupportedException(
        $"the sampler run {GetType().Name} does not expose its noise levels, so it cannot start from a noised input " +
        "(img2img) or inpaint; use a DDPM/DDIM-type or σ-space sampler.");

    /// <summary>
    /// Noises <paramref name="original"/> (x0) to the level of step <paramref name="stepIndex"/>: diffusers'
    /// <c>add_noise</c> at that step (√alphā x0 + √(1 - alphā) ε for DDPM-type and DPM-Solver-type runs, with alphā
    /// of the step's σ for the latter; x0 + σ ε for Euler-type runs).
    /// </summary>
    /// <param name="original">Clean samples x0.</param>
    /// <param name="noise">ε, of the same shape.</param>
    /// <param name="stepIndex">0 .. Timesteps.Count.</param>
    torch.Tensor AddNoise(torch.Tensor original, torch.Tensor noise, int stepIndex) =>
        NoiseLevelAt(stepIndex).Apply(original, noise);

    /// <summary>
    /// True when <see cref="Step"/> may be called again for an index already stepped (the run keeps no state
    /// between steps), as RePaint's resampling does after going back up a noise level. False by default: multistep
    /// and higher-order runs remember earlier steps.
    /// </summary>
    bool CanRevisitSteps => false;
}

/// <summary>The result of one sampler step (diffusers' <c>SchedulerOutput</c>).</summary>
/// <param name="PrevSample">The sample for the next step (x_{t-1}).</param>
/// <param name="PredOriginalSample">The x0 predicted at this step, when the sampler computes it.</param>
public sealed record SamplerStepResult(torch.Tensor PrevSample, torch.Tensor? PredOriginalSample);
