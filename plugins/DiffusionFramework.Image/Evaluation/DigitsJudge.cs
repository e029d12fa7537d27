using System.Collections.Concurrent;
using DiffusionFramework.Core.Metrics;
using DiffusionFramework.Image.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionFramework.Image.Evaluation;

/// <summary>
/// The shipped <see cref="DigitsClassifier"/> and the feature statistics of the real test split, loaded once per device
/// on first use and shared by every digits metric for the life of the process.
/// </summary>
internal sealed class DigitsJudge
{
    private const int Chunk = 512;

    private static readonly ConcurrentDictionary<string, Lazy<DigitsJudge>> ByDevice = new();

    private readonly DigitsClassifier _classifier;

    private DigitsJudge(Device device)
    {
        Device = device;
        _classifier = DigitsClassifier.LoadPretrained(device);
        var (images, labels) = DigitsData.Load(DigitsSplit.Test, device);
        using (images)
        using (labels)
        using (Tensor features = Features(images))
            TestStatistics = FrechetDistance.Statistics(features);
        // The judge lives as long as the process, but is built inside whichever dispose scope first asks for it.
        foreach (Tensor tensor in _classifier.parameters().Concat(_classifier.buffers()))
            tensor.DetachFromDisposeScope();
        TestStatistics.Mean.DetachFromDisposeScope();
        TestStatistics.Covariance.DetachFromDisposeScope();
    }

    /// <summary>Where the classifier lives.</summary>
    public Device Device { get; }

    /// <summary>Mean and covariance of the classifier's features over the 449 real test digits.</summary>
    public GaussianStatistics TestStatistics { get; }

    /// <summary>The judge on <paramref name="device"/>, loaded on the first call for that device.</summary>
    public static DigitsJudge For(Device device) =>
        ByDevice.GetOrAdd(device.ToString(), _ => new Lazy<DigitsJudge>(() => new DigitsJudge(device))).Value;

    /// <summary>Logits [N, 10] of samples [N, 1, 8, 8] in model space (clamped to [-1, 1], as when written out).</summary>
    public Tensor Logits(Tensor samples) => Apply(samples, _classifier.Logits);

    /// <summary>Features [N, 128] of samples [N, 1, 8, 8] in model space (clamped to [-1, 1]).</summary>
    public Tensor Features(Tensor samples) => Apply(samples, _classifier.Features);

    private Tensor Apply(Tensor samples, Func<Tensor, Tensor> layer)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (samples.dim() != 4 || samples.shape[0] < 1 || samples.shape[1] != 1 || samples.shape[2] != DigitsData.Size
            || samples.shape[3] != DigitsData.Size)
            throw new ArgumentException(
                $"digits metrics need samples of shape [N, 1, {DigitsData.Size}, {DigitsData.Size}], got [{string.Join(", ", samples.shape)}]",
                nameof(samples));
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor x = samples.detach().to(float32).to(Device).clamp(-1, 1);
        Tensor result = cat(x.split(Chunk).Select(layer).ToArray(), 0);
        return result.MoveToOuterDisposeScope();
    }
}
