using DiffusionFramework.Core.Checkpoints;
using DiffusionFramework.Core.Networks;
using DiffusionFramework.Image.Data;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DiffusionFramework.Image.Evaluation;

/// <summary>
/// The evaluation classifier of the 8x8 digits: a small CNN that judges generated digits and supplies the feature
/// space of their Fréchet distance (an FID with the domain's own classifier instead of Inception-v3).
/// </summary>
/// <remarks>
/// Input [N, 1, 8, 8] in [-1, 1]. conv1 3x3 1→32, ReLU; conv2 3x3 32→64, ReLU; 2x2 max-pool (→ 4x4); conv3 3x3
/// 64→128, ReLU; global average pool → the 128-d <see cref="Features"/>; fc 128→10 → <see cref="Logits"/>.
/// 93,962 parameters; state-dict keys conv{1,2,3}.{weight,bias}, fc.{weight,bias}. Dropout belongs to the training
/// procedure (<see cref="DigitsClassifierTraining"/>), which applies it to the features with its own generator.
/// </remarks>
public sealed class DigitsClassifier : nn.Module<Tensor, Tensor>
{
    /// <summary>Width of <see cref="Features"/>.</summary>
    public const int FeatureDim = 128;

    /// <summary>Name of the embedded weights produced by <c>diffusion train-classifier</c> (see Evaluation/README.md).</summary>
    public const string PretrainedResource = "DiffusionFramework.Image.digits-classifier.safetensors";

    private readonly ChannelsLastConvolution conv1;
    private readonly ChannelsLastConvolution conv2;
    private readonly ChannelsLastConvolution conv3;
    private readonly Linear fc;

    /// <summary>
    /// A randomly initialised classifier on <paramref name="device"/> with PyTorch's default initialisation of conv and
    /// linear layers (weight and bias ~ U(−1/√fan_in, 1/√fan_in)), drawn from <paramref name="generator"/> when given
    /// (reproducible) or from torch's global generator otherwise.
    /// </summary>
    public DigitsClassifier(Device device, Generator? generator = null) : base(nameof(DigitsClassifier))
    {
        ArgumentNullException.ThrowIfNull(device);
        conv1 = new ChannelsLastConvolution(2, 1, 32, 3, padding: 1, device: device);
        conv2 = new ChannelsLastConvolution(2, 32, 64, 3, padding: 1, device: device);
        conv3 = new ChannelsLastConvolution(2, 64, FeatureDim, 3, padding: 1, device: device);
        fc = nn.Linear(FeatureDim, DigitsData.ClassCount, device: device);
        RegisterComponents();
        if (generator is not null)
        {
            foreach (var (weight, bias) in new[] { (conv1.Weight, conv1.Bias), (conv2.Weight, conv2.Bias),
                         (conv3.Weight, conv3.Bias), (fc.weight, fc.bias) })
            {
                double bound = 1 / Math.Sqrt(weight!.numel() / weight.shape[0]);
                DrawUniform(weight, bound, generator);
                DrawUniform(bias!, bound, generator);
            }
        }
    }

    /// <summary>
    /// The shipped classifier (trained by <see cref="DigitsClassifierTraining"/>; weights embedded in the plugin) on
    /// <paramref name="device"/>, in evaluation mode. The caller owns and disposes it.
    /// </summary>
    /// <exception cref="InvalidDataException">The embedded weights are missing or do not fit the network.</exception>
    public static DigitsClassifier LoadPretrained(Device device)
    {
        var classifier = new DigitsClassifier(device);
        try
        {
            using Stream stream = typeof(DigitsClassifier).Assembly.GetManifestResourceStream(PretrainedResource)
                ?? throw new InvalidDataException($"the plugin assembly lacks its embedded resource '{PretrainedResource}'");
            ModuleWeights.LoadInto(stream, PretrainedResource, classifier);
        }
        catch
        {
            classifier.Dispose();
            throw;
        }
        classifier.eval();
        return classifier;
    }

    /// <summary>The penultimate layer: 128-d globally pooled ReLU features [N, 128] of images [N, 1, 8, 8].</summary>
    /// <exception cref="ArgumentException">The input is not [N, 1, 8, 8].</exception>
    public Tensor Features(Tensor images)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.dim() != 4 || images.shape[1] != 1 || images.shape[2] != DigitsData.Size || images.shape[3] != DigitsData.Size)
            throw new ArgumentException(
                $"images must have shape [N, 1, {DigitsData.Size}, {DigitsData.Size}], got [{string.Join(", ", images.shape)}]",
                nameof(images));
        using var scope = NewDisposeScope();
        Tensor h = nn.functional.relu(conv1.forward(images));
        h = nn.functional.max_pool2d(nn.functional.relu(conv2.forward(h)), 2);
        h = nn.functional.relu(conv3.forward(h));
        return h.mean([2, 3]).MoveToOuterDisposeScope();
    }

    /// <summary>Class scores [N, 10] (unnormalised log-probabilities) of images [N, 1, 8, 8].</summary>
    public Tensor Logits(Tensor images)
    {
        using var scope = NewDisposeScope();
        return Head(Features(images)).MoveToOuterDisposeScope();
    }

    /// <summary>The last layer alone: class scores [N, 10] of <see cref="Features"/> [N, 128].</summary>
    public Tensor Head(Tensor features) => fc.forward(features);

    /// <inheritdoc cref="Logits"/>
    public override Tensor forward(Tensor images) => Logits(images);

    private static void DrawUniform(Parameter parameter, double bound, Generator generator)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor u = rand(parameter.shape, dtype: parameter.dtype, device: generator.device, generator: generator);
        parameter.copy_((u * 2 - 1) * bound);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            conv1.Dispose();
            conv2.Dispose();
            conv3.Dispose();
            fc.Dispose();
        }
        base.Dispose(disposing);
    }
}
