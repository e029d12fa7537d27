using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Diffusion;
using DiffusionFramework.Core.Schedules;
using TorchSharp;

namespace DiffusionFramework.Core.Training;

/// <summary>
/// The DDPM objective (Ho et al. 2020, arXiv 2006.11239, Algorithm 1) for ε, v and x0 models: t ~ U{0..T-1},
/// x_t = √ᾱ_t x0 + √(1-ᾱ_t) ε, target ε, v or x0, optional Min-SNR-γ weights; the network sees t as float32.
/// </summary>
internal sealed class DenoisingObjective(NoiseSchedule schedule, PredictionType prediction, TrainerOptions options)
    : ITrainingObjective
{
    /// <summary>Integer timesteps [B], uniform in [0, T).</summary>
    public torch.Tensor DrawLevels(int batchSize, torch.Generator generator, torch.Device device) =>
        torch.randint(0, schedule.NumTrainTimesteps, [batchSize], dtype: torch.int64, generator: generator).to(device);

    /// <inheritdoc />
    public TrainingProblem Pose(torch.Tensor x0, torch.Tensor noise, torch.Tensor levels)
    {
        torch.Tensor? weights = options.LossWeighting == LossWeighting.MinSnr
            ? ForwardProcess.MinSnrLossWeights(ForwardProcess.Snr(schedule, levels), options.MinSnrGamma, prediction)
            : null;
        return new TrainingProblem(ForwardProcess.AddNoise(schedule, x0, noise, levels), levels.to(torch.float32),
            ForwardProcess.TrainingTarget(prediction, schedule, x0, noise, levels), weights);
    }
}
