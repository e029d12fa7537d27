using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Schedules;

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

    /// <summary>
    /// The prediction type of <paramref name="config"/> (<paramref name="fallback"/> when unset), checked against
    /// <paramref name="sampler"/>'s <see cref="ISampler.SupportedPredictionTypes"/>.
    /// </summary>
    /// <exception cref="ArgumentException">An unknown or unsupported prediction_type; the message names the sampler and
    /// what it supports.</exception>
    public static PredictionType RequirePredictionType(ISampler sampler, SchedulerConfig config,
        PredictionType fallback = PredictionType.Epsilon)
    {
        ArgumentNullException.ThrowIfNull(sampler);
        ArgumentNullException.ThrowIfNull(config);
        PredictionType prediction = config.PredictionType is { } text ? PredictionTypes.Parse(text) : fallback;
        if (!sampler.SupportedPredictionTypes.Contains(prediction))
        {
            throw new ArgumentException(
                $"sampler {sampler.Name} does not support prediction_type \"{PredictionTypes.ToConfigString(prediction)}\"; " +
                $"it supports {string.Join(", ", sampler.SupportedPredictionTypes.Select(PredictionTypes.ToConfigString))}.");
        }

        return prediction;
    }
}
