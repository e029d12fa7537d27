using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Pipelines;
using TorchSharp;

namespace DiffusionFramework.Cli.Commands;

/// <summary>Scores generated samples and the noise they started from with every metric of a modality.</summary>
public static class MetricTable
{
    /// <summary>Prints one row of metrics for <paramref name="samples"/> (made with <paramref name="request"/>), then one
    /// for the modality's noise of the same shape.</summary>
    /// <returns>The samples' scores by metric name.</returns>
    public static IReadOnlyDictionary<string, double> Write(TextWriter output, DiffusionModel model, torch.Tensor samples,
        GenerationRequest request, string label)
    {
        using var scope = torch.NewDisposeScope();
        Conditioning conditioning = request.Conditioning ?? Conditioning.None;
        using var noiseGenerator = new torch.Generator((ulong)request.Seed + 1, model.Device);
        torch.Tensor noise = model.Modality.NoiseSampler.Sample(samples.shape, samples.dtype, model.Device,
            noiseGenerator, conditioning);
        var scores = new Dictionary<string, double>();
        output.WriteLine($"{"",-22} {string.Join(" ", model.Metrics.Select(m => $"{m.Name,30}"))}");
        output.Write($"{label,-22}");
        foreach (IMetric metric in model.Metrics)
        {
            using var generator = new torch.Generator((ulong)request.Seed + 2, model.Device);
            scores[metric.Name] = metric.Compute(samples, conditioning, generator);
            output.Write($" {scores[metric.Name],30:G5}");
        }
        output.WriteLine();
        output.Write($"{"noise N(0,I)",-22}");
        foreach (IMetric metric in model.Metrics)
        {
            using var generator = new torch.Generator((ulong)request.Seed + 2, model.Device);
            output.Write($" {metric.Compute(noise, conditioning, generator),30:G5}");
        }
        output.WriteLine();
        return scores;
    }
}
