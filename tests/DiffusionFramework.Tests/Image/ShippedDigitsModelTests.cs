using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Pipelines;
using DiffusionFramework.Image;
using DiffusionFramework.Image.Data;
using DiffusionFramework.Image.Evaluation;
using TorchSharp;

namespace DiffusionFramework.Tests.Image;

/// <summary>
/// The class-conditional digits model committed under plugins/DiffusionFramework.Image/Models/digits (README says how it
/// was trained), judged by the shipped evaluation classifier. Thresholds sit below the measured values (README) so that
/// seed noise passes and a broken sampler, network, checkpoint or guidance path does not.
/// </summary>
public sealed class ShippedDigitsModelTests
{
    private static readonly ImageModality Modality = new();

    internal static string ModelFolder
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "DiffusionFramework.sln")))
                dir = dir.Parent;
            Assert.NotNull(dir);
            return Path.Combine(dir.FullName, "plugins", "DiffusionFramework.Image", "Models", "digits");
        }
    }

    private static DiffusionModel Load(string name = "digits") =>
        DiffusionModel.Load(Path.Combine(Path.GetDirectoryName(ModelFolder)!, name), _ => (Modality, new ImagePlugin().Info), torch.CPU);

    [Fact]
    public void UnconditionalSamplesAreConfidentlyClassifiedDigitsOfEveryClass()
    {
        using var model = Load("digits-unconditional");
        using var scope = torch.NewDisposeScope();

        torch.Tensor samples = model.Generate(new GenerationRequest { Count = 200, Sampler = "dpmsolver++", Steps = 20, Seed = 2 });

        using DigitsClassifier classifier = DigitsClassifier.LoadPretrained(torch.CPU);
        using (torch.no_grad())
        {
            torch.Tensor logits = classifier.Logits(samples.clamp(-1, 1));
            Assert.InRange(DigitsScores.MeanConfidence(logits), 0.9, 1.0);
            Assert.InRange(DigitsScores.ClassBalance(logits), 0.9, 1.0);
        }
    }

    [Theory]
    [InlineData("dpmsolver++", 20, 1.0)]
    [InlineData("ddim", 20, 2.0)]
    public void ConditionalSamplesAreTheRequestedDigits(string sampler, int steps, double guidance)
    {
        using var model = Load();
        using var scope = torch.NewDisposeScope();
        Conditioning labels = Modality.SamplingConditioning(100, new Dictionary<string, string>(), model.NetworkConfig, torch.CPU);

        torch.Tensor samples = model.Generate(new GenerationRequest
        {
            Count = 100, Sampler = sampler, Steps = steps, Seed = 11, Conditioning = labels, GuidanceScale = guidance,
        });

        using DigitsClassifier classifier = DigitsClassifier.LoadPretrained(torch.CPU);
        using (torch.no_grad())
            Assert.InRange(DigitsScores.Accuracy(classifier.Logits(samples.clamp(-1, 1)), labels.ClassLabels!), 0.9, 1.0);
    }

    [Fact]
    public void InpaintingKeepsTheKnownHalfExactlyAndCompletesTheIntendedDigit()
    {
        using var model = Load();
        using var scope = torch.NewDisposeScope();
        var (images, labels) = DigitsData.Load(DigitsSplit.Test, torch.CPU);
        torch.Tensor known = images[..60], intended = labels[..60];
        torch.Tensor mask = torch.zeros(1, 1, DigitsData.Size, DigitsData.Size);
        mask[.., .., 4..] = 1; // regenerate the bottom half

        torch.Tensor result = model.Generate(new GenerationRequest
        {
            Count = 60, Sampler = "ddim", Steps = 25, Seed = 5, Mask = mask, KnownImage = known,
            Conditioning = new Conditioning { ClassLabels = intended },
        });

        Assert.True(result[.., .., ..4].eq(known[.., .., ..4]).all().item<bool>(), "the kept top half changed");
        Assert.False(result[.., .., 4..].eq(known[.., .., 4..]).all().item<bool>(), "nothing was regenerated");
        using DigitsClassifier classifier = DigitsClassifier.LoadPretrained(torch.CPU);
        using (torch.no_grad())
            Assert.InRange(DigitsScores.Accuracy(classifier.Logits(result.clamp(-1, 1)), intended), 0.85, 1.0);
    }
}
