using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Training;

namespace DiffusionFramework.Core.Pipelines;

/// <summary>Training this model.</summary>
public sealed partial class DiffusionModel
{
    /// <summary>
    /// A trainer for this model's denoiser on <paramref name="dataset"/>, with the modality's noise and this model's
    /// schedule; its checkpoints carry this model's <c>config.json</c>, so <see cref="Load"/> rebuilds it.
    /// </summary>
    /// <exception cref="ArgumentException">The options are invalid, or their device differs from <see cref="Device"/>.</exception>
    public Trainer CreateTrainer(IDiffusionDataset dataset, TrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(options);
        return new Trainer(Denoiser, dataset, Modality.NoiseSampler, Scheduler, options, ToCheckpointConfig());
    }
}
