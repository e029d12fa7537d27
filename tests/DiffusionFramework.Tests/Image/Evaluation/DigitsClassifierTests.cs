using DiffusionFramework.Image.Data;
using DiffusionFramework.Image.Evaluation;
using static TorchSharp.torch;

namespace DiffusionFramework.Tests.Image.Evaluation;

/// <summary>The shipped evaluation classifier and its training procedure.</summary>
public class DigitsClassifierTests
{
    [Fact]
    public void ShippedClassifierReaches97PercentOnTheTestSplit()
    {
        using DigitsClassifier classifier = DigitsClassifier.LoadPretrained(CPU);
        var (images, labels) = DigitsData.Load(DigitsSplit.Test, CPU);
        using (images)
        using (labels)
        {
            double accuracy = DigitsClassifierTraining.Accuracy(classifier, images, labels);
            Assert.True(accuracy >= 0.97, $"test accuracy {accuracy:P2} < 97%");
        }
    }

    [Fact]
    public void HasTheDocumentedShapeAndSize()
    {
        using var classifier = new DigitsClassifier(CPU);
        using var scope = NewDisposeScope();
        // conv1 1·32·9 + 32, conv2 32·64·9 + 64, conv3 64·128·9 + 128, fc 128·10 + 10.
        long expected = (9 * 32 + 32) + (32 * 64 * 9 + 64) + (64 * 128 * 9 + 128) + (128 * 10 + 10);
        Assert.Equal(expected, classifier.parameters().Sum(p => p.numel()));
        Assert.True(expected < 200_000);
        Tensor x = zeros(5, 1, 8, 8);
        Assert.Equal([5L, DigitsClassifier.FeatureDim], classifier.Features(x).shape);
        Assert.Equal([5L, 10], classifier.Logits(x).shape);
        Assert.Throws<ArgumentException>(() => classifier.Features(zeros(5, 8, 8)));
    }

    [Fact]
    public void SameSeedSameInitialisationAndAFewStepsLowerTheLoss()
    {
        // Training leaves the ln 10 plateau slowly (the full run needs ~100 steps for loss 0.13): 40 small batches at a
        // high rate are a short, deterministic check that the loss falls.
        var options = new DigitsClassifierTrainingOptions { Steps = 40, BatchSize = 32, LearningRate = 1e-2, WarmupSteps = 0, Seed = 5 };
        var losses = new List<double>();
        using DigitsClassifier trained = DigitsClassifierTraining.Train(options, CPU, (_, loss) => losses.Add(loss));
        Assert.Equal(40, losses.Count);
        // An untrained 10-way classifier starts near ln 10 = 2.30.
        double early = losses.Take(5).Average(), late = losses.TakeLast(5).Average();
        Assert.InRange(early, 2.1, 2.5);
        Assert.True(late < early - 0.15, $"mean loss of the first 5 steps {early:F3}, of the last 5 {late:F3}");

        using var generatorA = new Generator(9);
        using var generatorB = new Generator(9);
        using var a = new DigitsClassifier(CPU, generatorA);
        using var b = new DigitsClassifier(CPU, generatorB);
        using var scope = NewDisposeScope();
        foreach (var (name, parameter) in a.named_parameters())
            Assert.True(parameter.eq(b.get_parameter(name)!).all().item<bool>(), $"{name} differs for the same seed");
        // PyTorch's default bound 1/√fan_in: conv1 has fan_in 9.
        Assert.InRange(a.get_parameter("conv1.weight")!.abs().max().item<float>(), 0.2f, 1 / 3f);
    }

    [Fact]
    public void TrainingOptionsOutOfRangeAreRejected()
    {
        Assert.Contains("steps", Assert.Throws<ArgumentException>(() => new DigitsClassifierTrainingOptions { Steps = 0 }.Validate()).Message);
        Assert.Contains("dropout", Assert.Throws<ArgumentException>(() => new DigitsClassifierTrainingOptions { Dropout = 1 }.Validate()).Message);
    }
}
