namespace DiffusionFramework.Core.Sampling;

/// <summary>Argument checks shared by all samplers, run before any work.</summary>
public static class SamplerGuards
{
    /// <summary>Throws unless numInferenceSteps ≥ 1 (and ≤ numTrainTimesteps when that is given).</summary>
    /// <exception cref="ArgumentException">The message names the bad count.</exception>
    public static void RequireSteps(int numInferenceSteps, int? numTrainTimesteps = null)
    {
        if (numInferenceSteps < 1)
        {
            throw new ArgumentException(
                $"the number of inference steps must be at least 1, got {numInferenceSteps}.", nameof(numInferenceSteps));
        }

        if (numInferenceSteps > numTrainTimesteps)
        {
            throw new ArgumentException(
                $"{numInferenceSteps} inference steps exceed the {numTrainTimesteps} training timesteps of the schedule.",
                nameof(numInferenceSteps));
        }
    }

    /// <summary>Multistep runs keep history between steps, so they must be stepped in order.</summary>
    /// <exception cref="InvalidOperationException">A step other than the next one was asked for.</exception>
    public static void RequireNextStep(string sampler, int? expected, int stepIndex)
    {
        if (expected is { } next && stepIndex != next)
        {
            throw new InvalidOperationException(
                $"{sampler} run: steps must be taken in order; expected step {next}, got {stepIndex}.");
        }
    }
}
