using System.CommandLine;
using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Devices;
using DiffusionFramework.Core.Pipelines;
using TorchSharp;

namespace DiffusionFramework.Cli.Commands;

/// <summary><c>diffusion eval &lt;checkpoint&gt;</c>: generate a batch and score it with the modality's metrics.</summary>
public static class EvalCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext context)
    {
        var checkpoint = new Argument<string>("checkpoint") { Description = "A checkpoint folder, or a training run folder." };
        var options = new GenerationOptions();
        var command = new Command("eval", "Generate samples from a checkpoint and report the modality's quality metrics, beside the same metrics for pure noise.") { checkpoint };
        options.AddTo(command);
        command.SetAction(parse => CliApp.Guard(context, () =>
        {
            GenerationOptions.Values values = options.Read(parse);
            using var model = ModelResolver.Load(context.Host, parse.GetValue(checkpoint)!, DeviceSelector.Resolve(values.Device), values.PreferEma);
            MetricTable.Write(context.Out, model, values.ToRequest(context, model), $"{values.Sampler}-{values.Steps}");
            return ExitCodes.Success;
        }));
        return command;
    }
}

/// <summary>Scores generated samples and the noise they started from with every metric of a modality.</summary>
public static class MetricTable
{
    /// <summary>Generates with <paramref name="request"/> and prints one row of metrics, then one for N(0, I) noise.</summary>
    /// <returns>The generated samples' scores by metric name.</returns>
    public static IReadOnlyDictionary<string, double> Write(TextWriter output, DiffusionModel model,
        GenerationRequest request, string label)
    {
        using var scope = torch.NewDisposeScope();
        torch.Tensor samples = model.Generate(request);
        Conditioning conditioning = request.Conditioning ?? Conditioning.None;
        using var noiseGenerator = new torch.Generator((ulong)request.Seed + 1, model.Device);
        torch.Tensor noise = model.Modality.NoiseSampler.Sample(samples.shape, samples.dtype, model.Device,
            noiseGenerator, conditioning);
        var scores = new Dictionary<string, double>();
        output.WriteLine($"{"",-22} {string.Join(" ", model.Modality.Metrics.Select(m => $"{m.Name,20}"))}");
        output.Write($"{label,-22}");
        foreach (IMetric metric in model.Modality.Metrics)
        {
            using var generator = new torch.Generator((ulong)request.Seed + 2, model.Device);
            scores[metric.Name] = metric.Compute(samples, conditioning, generator);
            output.Write($" {scores[metric.Name],20:G5}");
        }
        output.WriteLine();
        output.Write($"{"noise N(0,I)",-22}");
        foreach (IMetric metric in model.Modality.Metrics)
        {
            using var generator = new torch.Generator((ulong)request.Seed + 2, model.Device);
            output.Write($" {metric.Compute(noise, conditioning, generator),20:G5}");
        }
        output.WriteLine();
        return scores;
    }
}
