using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Schedules;

namespace DiffusionFramework.Core.Sampling;

/// <summary>
/// A sampling algorithm (DDPM, DDIM, Euler, DPM-Solver++ ...): stateless, it creates one <see cref="ISamplerRun"/>
/// per sampling run. Numbers follow the diffusers scheduler of the same algorithm.
/// </summary>
public interface ISampler
{
    /// <summary>Short lower-case name used on the command line (e.g. "ddim").</summary>
    string Name { get; }

    /// <summary>Other names it answers to, including the diffusers class name (e.g. "DDIMScheduler").</summary>
    IReadOnlyList<string> Aliases { get; }

    /// <summary>True when a run with default options draws noise (so results depend on the generator).</summary>
    bool IsStochastic { get; }

    /// <summary>The model outputs it can step with.</summary>
    IReadOnlyList<PredictionType> SupportedPredictionTypes { get; }

    /// <summary>
    /// Prepares a run of <paramref name="numInferenceSteps"/> steps: diffusers' constructor plus
    /// <c>set_timesteps</c>. Keys missing from <paramref name="config"/> take this sampler's diffusers defaults.
    /// </summary>
    /// <exception cref="ArgumentException">numInferenceSteps &lt; 1 or larger than the training timesteps, or a config
    /// value the sampler does not support; checked before any work.</exception>
    ISamplerRun CreateRun(SchedulerConfig config, int numInferenceSteps, SamplerRunOptions? options = null);
}
