using DiffusionFramework.Abstractions;
using TorchSharp;

namespace DiffusionFramework.Core.Sampling;

/// <summary>Everything the sampling loop needs besides the run, the model and x_T. All optional.</summary>
public sealed record SamplingOptions
{
    /// <summary>Noise for stochastic steps (default: standard Gaussian).</summary>
    public INoiseSampler? NoiseSampler { get; init; }

    /// <summary>The run's seeded generator; null uses torch's global generator.</summary>
    public torch.Generator? Generator { get; init; }

    /// <summary>Conditioning handed to the noise sampler (masks).</summary>
    public Conditioning? Conditioning { get; init; }

    /// <summary>Called once after every step. The tensors in the event live only during the call: clone to keep.</summary>
    public Action<SamplingProgress>? Progress { get; init; }

    /// <summary>Checked before every step; cancellation throws <see cref="OperationCanceledException"/>.</summary>
    public CancellationToken CancellationToken { get; init; }

    /// <summary>Wraps every model call (guidance); null calls the model directly.</summary>
    public GuidanceHook? Guidance { get; init; }

    /// <summary>Applied to the sample after every step (inpainting's known-region replacement); null: none.</summary>
    public StepHook? AfterStep { get; init; }

    /// <summary>
    /// The step the loop starts at (diffusers' <c>set_begin_index</c>): x_T is then the sample at that step's noise
    /// level, e.g. an input noised with <see cref="ISamplerRun.AddNoise"/> for img2img. 0 .. Timesteps.Count; at
    /// Timesteps.Count no step runs.
    /// </summary>
    public int BeginIndex { get; init; }

    /// <summary>The noise source of a run with these options (what stochastic steps draw from); hooks that draw noise,
    /// such as <see cref="Editing.Inpainting.ReplaceKnown"/>, take it too.</summary>
    public StepNoise CreateStepNoise() =>
        new(NoiseSampler ?? Noise.GaussianNoiseSampler.Instance, Generator, Conditioning);
}

/// <summary>Changes the sample a step returned before the next step sees it (e.g. inpainting's replacement).</summary>
/// <param name="sample">The sample after step <paramref name="stepIndex"/>, at the level of step stepIndex + 1.</param>
/// <param name="stepIndex">The step just taken.</param>
/// <returns>The sample to continue with (a new tensor, or <paramref name="sample"/> itself).</returns>
public delegate torch.Tensor StepHook(torch.Tensor sample, int stepIndex);

/// <summary>
/// Wraps one model call of the sampling loop, e.g. classifier-free guidance or inpainting's masked replacement.
/// </summary>
/// <param name="model">The model callable (x_in, t[B]) → output.</param>
/// <param name="modelInput">The scaled model input of this step.</param>
/// <param name="timestep">The step's timestep, expanded to [B] on the sample's device.</param>
/// <param name="stepIndex">The step index.</param>
/// <returns>The output the sampler steps with.</returns>
public delegate torch.Tensor GuidanceHook(Func<torch.Tensor, torch.Tensor, torch.Tensor> model, torch.Tensor modelInput,
    torch.Tensor timestep, int stepIndex);

/// <summary>What the progress callback receives after a step.</summary>
/// <param name="StepIndex">0-based index of the step just taken.</param>
/// <param name="StepCount">Number of steps of the run.</param>
/// <param name="Timestep">The timestep of that step.</param>
/// <param name="Sample">The sample after the step.</param>
/// <param name="PredOriginalSample">The step's predicted x0, when the sampler has one.</param>
public sealed record SamplingProgress(int StepIndex, int StepCount, double Timestep, torch.Tensor Sample,
    torch.Tensor? PredOriginalSample);
