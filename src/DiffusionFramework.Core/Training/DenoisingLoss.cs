using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionFramework.Core.Training;

/// <summary>
/// The denoising objective: the mean squared error between the network's prediction and its target, averaged over
/// the real elements of each sample (a padding mask excludes the rest), weighted per sample, averaged over the batch.
/// </summary>
public static class DenoisingLoss
{
    /// <summary>The batch loss: mean over samples of w_i · MSE_i, with MSE_i over the real elements of sample i.</summary>
    /// <param name="prediction">The network output [B, ...].</param>
    /// <param name="target">The training target, same shape.</param>
    /// <param name="mask">1 for real elements, 0 for padding, of shape [B, ...] equal to a leading part of the sample
    /// shape (e.g. [B, N] for atoms of [B, N, 3]); null when every element is real.</param>
    /// <param name="weights">Per-sample weights [B], or null for 1.</param>
    /// <returns>A scalar float32 tensor.</returns>
    /// <remarks>Without mask and weights this is <c>F.mse_loss(pred.float(), target.float())</c>, diffusers' loss.</remarks>
    public static Tensor Compute(Tensor prediction, Tensor target, Tensor? mask = null, Tensor? weights = null)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        ArgumentNullException.ThrowIfNull(target);
        if (!prediction.shape.SequenceEqual(target.shape))
            throw new ArgumentException(
                $"denoising loss: prediction shape [{string.Join(", ", prediction.shape)}] differs from target shape [{string.Join(", ", target.shape)}]",
                nameof(prediction));
        using var scope = NewDisposeScope();
        Tensor pred = prediction.to(float32), tgt = target.to(float32);
        if (mask is null && weights is null)
            return nn.functional.mse_loss(pred, tgt).MoveToOuterDisposeScope();

        Tensor squared = pred.sub(tgt).square();
        long[] sampleDims = Enumerable.Range(1, (int)squared.dim() - 1).Select(d => (long)d).ToArray();
        Tensor perSample;
        if (mask is null)
        {
            perSample = squared.mean(sampleDims);
        }
        else
        {
            Tensor m = Broadcastable(mask, squared).to(float32);
            perSample = squared.mul(m).sum(sampleDims).div(m.expand_as(squared).sum(sampleDims).clamp_min(1.0));
        }

        if (weights is not null)
            perSample = perSample.mul(weights.to(float32));
        return perSample.mean().MoveToOuterDisposeScope();
    }

    /// <summary>Appends size-1 dimensions to <paramref name="mask"/> until it broadcasts against <paramref name="sample"/>.</summary>
    private static Tensor Broadcastable(Tensor mask, Tensor sample)
    {
        long[] shape = mask.shape;
        if (shape.Length > sample.dim() || !shape.SequenceEqual(sample.shape.Take(shape.Length)))
            throw new ArgumentException(
                $"denoising loss: mask shape [{string.Join(", ", shape)}] is not a leading part of the sample shape [{string.Join(", ", sample.shape)}]",
                nameof(mask));
        return mask.reshape([.. shape, .. Enumerable.Repeat(1L, (int)sample.dim() - shape.Length)]);
    }
}
