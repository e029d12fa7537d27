using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Schedules;
using TorchSharp;

namespace DiffusionFramework.Core.Training;

/// <summary>
/// The regression problem a <see cref="Trainer"/> step solves for one prediction type: how noise levels are drawn,
/// how x0 and ε become the network's input, timestep and target, and how samples are weighted.
/// </summary>
internal interface ITrainingObjective
{
    /// <summary>Draws one noise level per sample with <paramref name="generator"/> (a CPU generator; the draw is
    /// moved to <paramref name="device"/>).</summary>
    torch.Tensor DrawLevels(int batchSize, torch.Generator generator, torch.Device device);

    /// <summary>The noisy input, network timesteps, target and weights for x0, ε and the drawn levels.</summary>
    TrainingProblem Pose(torch.Tensor x0, torch.Tensor noise, torch.Tensor levels);

    /// <summary>The objective of a <paramref name="prediction"/> model: flow matching for
    /// <see cref="PredictionType.Flow"/>, the DDPM objective otherwise.</summary>
    /// <exception cref="ArgumentException">Options that do not apply to the prediction type (Min-SNR weighting for a
    /// flow model, a non-uniform flow σ density for another), or a bad flow schedule.</exception>
    static ITrainingObjective For(PredictionType prediction, SchedulerConfig scheduler, NoiseSchedule schedule,
        TrainerOptions options)
    {
        string type = PredictionTypes.ToConfigString(prediction);
        if (prediction == PredictionType.Flow)
        {
            if (options.LossWeighting != LossWeighting.Uniform)
                throw new ArgumentException(
                    $"trainer options: LossWeighting {options.LossWeighting} weights by the SNR of a DDPM schedule; " +
                    $"{type} models train with Uniform weighting.", nameof(options));
            return FlowMatchObjective.Create(scheduler, options);
        }

        if (options.FlowSigmaDensity != FlowSigmaDensity.Uniform)
            throw new ArgumentException(
                $"trainer options: FlowSigmaDensity {options.FlowSigmaDensity} applies to flow_prediction models only; " +
                $"this denoiser predicts {type}.", nameof(options));
        return new DenoisingObjective(schedule, prediction, options);
    }
}

/// <summary>What the network sees and must output in one step.</summary>
/// <param name="Input">x_t [B, ...].</param>
/// <param name="Timesteps">The network's timesteps, float32 [B].</param>
/// <param name="Target">The regression target, shaped like the input.</param>
/// <param name="Weights">Per-sample loss weights [B], or null for 1.</param>
internal sealed record TrainingProblem(torch.Tensor Input, torch.Tensor Timesteps, torch.Tensor Target,
    torch.Tensor? Weights);
