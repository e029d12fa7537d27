using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Metrics;
using TorchSharp;

namespace DiffusionFramework.Image.Evaluation;

/// <summary>
/// The quality measures of generated 8x8 digits, all judged by the shipped <see cref="DigitsClassifier"/> (samples
/// are clamped to [-1, 1] first, as when they are written out):
/// <list type="bullet">
/// <item><c>digits_class_accuracy</c>: the fraction of samples classified as the label they were conditioned on
/// (<see cref="Conditioning.ClassLabels"/>); NaN when the samples carry no labels or were generated with
/// <see cref="Conditioning.DropCondition"/>, i.e. for unconditional samples, where it does not apply.</item>
/// <item><c>digits_confidence</c>: mean top-class softmax probability (<see cref="DigitsScores.MeanConfidence"/>).</item>
/// <item><c>digits_class_balance</c>: normalised entropy of the predicted-class histogram, 1 = every digit equally
/// often (<see cref="DigitsScores.ClassBalance"/>).</item>
/// <item><c>digits_fid</c>: the Fréchet distance (<see cref="FrechetDistance"/>) between the classifier's 128-d
/// features of the samples and of the 449 real test digits. Like any FID it is biased upward for small N: compare
/// values at equal sample counts.</item>
/// </list>
/// The classifier and the test split's feature statistics load on the first <c>Compute</c> for a device and are then
/// shared; creating the metrics costs nothing.
/// </summary>
public static class DigitsMetrics
{
    /// <summary>Name of the class-accuracy metric.</summary>
    public const string Accuracy = "digits_class_accuracy";

    /// <summary>Name of the mean-confidence metric.</summary>
    public const string Confidence = "digits_confidence";

    /// <summary>Name of the class-balance metric.</summary>
    public const string Balance = "digits_class_balance";

    /// <summary>Name of the classifier-feature Fréchet distance.</summary>
    public const string Fid = "digits_fid";

    /// <summary>
    /// The four digits metrics, judging on <paramref name="device"/> (samples on other devices are moved there), or on
    /// each batch's own device when it is null.
    /// </summary>
    public static IReadOnlyList<IMetric> Create(torch.Device? device = null) =>
        [
            new DigitsMetric(Accuracy, true, device, (judge, samples, conditioning) =>
                conditioning.ClassLabels is null || conditioning.DropCondition
                    ? double.NaN
                    : DigitsScores.Accuracy(judge.Logits(samples), conditioning.ClassLabels)),
            new DigitsMetric(Confidence, true, device, (judge, samples, _) => DigitsScores.MeanConfidence(judge.Logits(samples))),
            new DigitsMetric(Balance, true, device, (judge, samples, _) => DigitsScores.ClassBalance(judge.Logits(samples))),
            new DigitsMetric(Fid, false, device, (judge, samples, _) =>
            {
                using GaussianStatistics statistics = FrechetDistance.Statistics(judge.Features(samples));
                return FrechetDistance.Compute(statistics, judge.TestStatistics);
            }),
        ];

    /// <summary>One metric: a name and a score computed with the device's <see cref="DigitsJudge"/>.</summary>
    private sealed class DigitsMetric(string name, bool higherIsBetter, torch.Device? device,
        Func<DigitsJudge, torch.Tensor, Conditioning, double> score) : IMetric
    {
        public string Name => name;

        public bool HigherIsBetter => higherIsBetter;

        public double Compute(torch.Tensor samples, Conditioning conditioning, torch.Generator? generator)
        {
            ArgumentNullException.ThrowIfNull(conditioning);
            using var scope = torch.NewDisposeScope();
            ArgumentNullException.ThrowIfNull(samples);
            return score(DigitsJudge.For(device ?? samples.device), samples, conditioning);
        }
    }
}
