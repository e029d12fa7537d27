using DiffusionFramework.Image.Evaluation;
using static TorchSharp.torch;

namespace DiffusionFramework.Tests.Image.Evaluation;

/// <summary>Confidence, balance and accuracy on constructed logits with known answers.</summary>
public class DigitsScoresTests
{
    [Fact]
    public void ConfidenceIsTheMeanTopSoftmaxProbability()
    {
        using var scope = NewDisposeScope();
        Assert.Equal(0.1, DigitsScores.MeanConfidence(zeros(3, 10)), 12);
        // Row 0: e^{ln 3} / (3 + 9) = 0.25; row 1: a margin of 50 is certainty to double precision.
        Tensor logits = zeros(2, 10);
        logits[0, 4] = tensor(Math.Log(3));
        logits[1, 7] = tensor(50.0);
        Assert.Equal((0.25 + 1) / 2, DigitsScores.MeanConfidence(logits), 6);
    }

    [Fact]
    public void BalanceIsTheNormalisedEntropyOfPredictedClasses()
    {
        using var scope = NewDisposeScope();
        Assert.Equal(1, DigitsScores.ClassBalance(eye(10)), 12);
        Assert.Equal(1, DigitsScores.ClassBalance(cat([eye(10), eye(10), eye(10)], 0)), 12);
        Tensor allThree = zeros(6, 10);
        allThree[.., 3] = tensor(1f);
        Assert.Equal(0, DigitsScores.ClassBalance(allThree), 12);
        // Half the samples say 0, half say 1: H = ln 2, normalised by ln 10.
        Tensor halves = cat([eye(10)[..1].repeat(4, 1), eye(10)[1..2].repeat(4, 1)], 0);
        Assert.Equal(Math.Log(2) / Math.Log(10), DigitsScores.ClassBalance(halves), 12);
    }

    [Fact]
    public void AccuracyCountsArgMaxMatches()
    {
        using var scope = NewDisposeScope();
        Tensor labels = tensor(new long[] { 0, 1, 2, 3 });
        Tensor logits = eye(10)[..4].clone();
        Assert.Equal(1, DigitsScores.Accuracy(logits, labels), 12);
        Assert.Equal(0.75, DigitsScores.Accuracy(logits, tensor(new long[] { 0, 1, 2, 9 })), 12);
        Assert.Throws<ArgumentException>(() => DigitsScores.Accuracy(logits, labels[..3]));
        Assert.Throws<ArgumentException>(() => DigitsScores.MeanConfidence(zeros(4, 9)));
    }
}
