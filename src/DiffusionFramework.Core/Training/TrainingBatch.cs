using DiffusionFramework.Abstractions;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionFramework.Core.Training;

/// <summary>
/// One step's random draws: which items, which of them lose their condition, the noise levels and the noise. The
/// samples whose condition is kept come first; <see cref="Kept"/> counts them.
/// </summary>
/// <param name="X0">Clean samples [B, ...] on the run's device.</param>
/// <param name="Conditioning">Their conditioning, in the same order.</param>
/// <param name="Levels">The objective's noise levels [B] on the run's device (integer timesteps for the DDPM
/// objective, σ for flow matching).</param>
/// <param name="Noise">ε drawn by the modality's noise sampler, shaped like <paramref name="X0"/>.</param>
/// <param name="Kept">How many leading samples keep their condition; the rest are trained unconditionally.</param>
internal sealed record TrainingBatch(Tensor X0, Conditioning Conditioning, Tensor Levels, Tensor Noise, int Kept)
{
    /// <summary>
    /// Draws a batch with <paramref name="generator"/>, in a fixed order (indices, condition dropout, noise levels,
    /// noise) so that a run replays exactly from a saved generator state.
    /// </summary>
    /// <remarks>
    /// The generator lives on the CPU, like diffusers' <c>randn_tensor</c> with a CPU generator: a seed means the same
    /// batches on every device, and a checkpoint's generator state resumes on any device. Draws are moved to the device.
    /// </remarks>
    public static TrainingBatch Draw(IDiffusionDataset dataset, INoiseSampler noiseSampler, int batchSize,
        ITrainingObjective objective, double dropProbability, Device device, Generator generator)
    {
        Tensor indices = randint(0, dataset.Count, [batchSize], dtype: int64, generator: generator);
        int kept = batchSize;
        if (dropProbability > 0)
        {
            Tensor drop = rand([batchSize], generator: generator).lt(dropProbability);
            indices = cat([indices[drop.logical_not()], indices[drop]]);
            kept = batchSize - (int)drop.sum().item<long>();
        }

        DataBatch batch = dataset.GetBatch(indices.data<long>().ToArray(), device);
        if (batch.X0.dim() < 1 || batch.X0.shape[0] != batchSize)
            throw new InvalidOperationException(
                $"dataset '{dataset.Name}' returned a batch of shape [{string.Join(", ", batch.X0.shape)}] for {batchSize} indices");
        Tensor levels = objective.DrawLevels(batchSize, generator, device);
        Tensor noise = noiseSampler.Sample(batch.X0.shape, batch.X0.dtype, device, generator, batch.Conditioning);
        return new TrainingBatch(batch.X0, batch.Conditioning, levels, noise, kept);
    }

    /// <summary>Samples [start, start + length) of <paramref name="conditioning"/>: every batch tensor narrowed on dim 0.</summary>
    public static Conditioning Slice(Conditioning conditioning, int start, int length) => conditioning with
    {
        ClassLabels = conditioning.ClassLabels?.narrow(0, start, length),
        Context = conditioning.Context?.narrow(0, start, length),
        Mask = conditioning.Mask?.narrow(0, start, length),
        EdgeMask = conditioning.EdgeMask?.narrow(0, start, length),
    };
}
