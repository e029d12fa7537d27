using DiffusionFramework.Image.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionFramework.Image.Evaluation;

/// <summary>The scores the digits metrics report, as pure functions of the classifier's logits [N, 10].</summary>
public static class DigitsScores
{
    /// <summary>The fraction of rows whose arg-max class equals <paramref name="labels"/> [N] (int64).</summary>
    /// <exception cref="ArgumentException">The shapes do not match.</exception>
    public static double Accuracy(Tensor logits, Tensor labels)
    {
        CheckLogits(logits);
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.dim() != 1 || labels.shape[0] != logits.shape[0])
            throw new ArgumentException(
                $"labels must have shape [{logits.shape[0]}], got [{string.Join(", ", labels.shape)}]", nameof(labels));
        using var scope = NewDisposeScope();
        return logits.argmax(1).eq(labels.to(int64).to(logits.device)).to(float64).mean().item<double>();
    }

    /// <summary>The mean over rows of the largest softmax probability, max_c p(c | x): 1 when every sample is
    /// classified with certainty, 0.1 for a uniform posterior.</summary>
    public static double MeanConfidence(Tensor logits)
    {
        CheckLogits(logits);
        using var scope = NewDisposeScope();
        return nn.functional.softmax(logits.to(float64), 1).amax([1]).mean().item<double>();
    }

    /// <summary>
    /// The normalised entropy H(h) / ln 10 of the histogram h of arg-max classes: 1 when every class is predicted
    /// equally often, 0 when all samples fall in one class.
    /// </summary>
    public static double ClassBalance(Tensor logits)
    {
        CheckLogits(logits);
        using var scope = NewDisposeScope();
        Tensor h = logits.argmax(1).bincount(null, DigitsData.ClassCount).to(float64);
        Tensor p = h / h.sum();
        Tensor entropy = -(p * p.clamp_min(1e-300).log()).sum();
        // max(0, ·) turns the -0 of a single class into 0.
        return Math.Max(0, entropy.item<double>() / Math.Log(DigitsData.ClassCount));
    }

    private static void CheckLogits(Tensor logits)
    {
        ArgumentNullException.ThrowIfNull(logits);
        if (logits.dim() != 2 || logits.shape[0] < 1 || logits.shape[1] != DigitsData.ClassCount)
            throw new ArgumentException(
                $"logits must have shape [N >= 1, {DigitsData.ClassCount}], got [{string.Join(", ", logits.shape)}]",
                nameof(logits));
    }
}
