using DiffusionFramework.Abstractions;

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

    /// <summary>Throws unless <paramref name="sampler"/> supports <paramref name="predictionType"/>.</summary>
    /// <exception cref="ArgumentException">The message names the sampler and its supported types.</exception>
    public static void RequirePredictionType(ISampler sampler, PredictionType predictionType)
    {
        if (!sampler.SupportedPredictionTypes.Contains(predictionType))
        {
            throw new ArgumentException(
                $"sampler {sampler.Name} does not support prediction_type {PredictionTypes.ToConfigString(predictionType)}; " +
                $"it supports {string.Join(", ", sampler.SupportedPredictionTypes.Select(PredictionTypes.ToConfigString))}.");
        }
    }
}
