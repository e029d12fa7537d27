using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using DiffusionFramework.Abstractions;
using DiffusionFramework.Cli.Reports;
using DiffusionFramework.Core;
using DiffusionFramework.Core.Devices;
using DiffusionFramework.Core.IO;
using DiffusionFramework.Core.Pipelines;
using DiffusionFramework.Core.Sampling;
using DiffusionFramework.Core.Schedules;
using Microsoft.Extensions.DependencyInjection;
using TorchSharp;

namespace DiffusionFramework.Cli.Commands;

/// <summary>
/// <c>diffusion compare &lt;checkpoint&gt;</c>: a modality metric against the number of network evaluations for many
/// samplers and step counts, beside a many-step DDPM reference; writes <c>compare.csv</c> and <c>compare.png</c>.
/// </summary>
public static class CompareCommand
{
    /// <summary>The samplers compared by default; those not registered, or unable to step the model's prediction type,
    /// are skipped. "name:key=value" overrides a scheduler_config key for that entry (e.g. third-order DPM-Solver++).</summary>
    public const string DefaultSamplers = "ddim,euler,heun,dpmsolver++,dpmsolver++:solver_order=3,unipc,flow_euler";

    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext context)
    {
        var checkpoint = new Argument<string>("checkpoint") { Description = "A checkpoint folder, or a training run folder." };
        var samplers = new Option<string>("--samplers") { Description = "Comma-separated entries: sampler[:key=value[;key=value]].", DefaultValueFactory = _ => DefaultSamplers };
        var steps = new Option<string>("--steps") { Description = "Comma-separated step counts.", DefaultValueFactory = _ => "5,10,20,50" };
        var reference = new Option<int>("--reference-steps") { Description = "Steps of the many-step reference: DDPM, or flow_euler for flow_prediction models (0 to skip).", DefaultValueFactory = _ => 1000 };
        var count = new Option<int>("--count") { Description = "Samples per run.", DefaultValueFactory = _ => 2000 };
        var metricName = new Option<string?>("--metric") { Description = "Metric name (the modality's first when absent)." };
        var output = new Option<string>("--out") { Description = "Folder for compare.csv and compare.png.", DefaultValueFactory = _ => "compare-output" };
        var overwrite = new Option<bool>("--overwrite") { Description = "Allow writing into an existing, non-empty --out folder." };
        var seed = CommonOptions.Seed();
        var device = CommonOptions.Device();
        var command = new Command("compare", "Sample quality against network evaluations for several samplers; writes CSV and a PNG plot.")
        {
            checkpoint, samplers, steps, reference, count, metricName, output, overwrite, seed, device,
        };
        command.SetAction(parse => CliApp.Guard(context, () =>
        {
            SamplerRegistry registry = context.Host.Services.GetRequiredService<SamplerRegistry>();
            bool explicitList = parse.GetResult(samplers) is { Implicit: false };
            var entries = ParseEntries(parse.GetValue(samplers)!, registry, explicitList);
            int[] stepCounts = ParseSteps(parse.GetValue(steps)!);
            if (parse.GetValue(count) < 2)
                throw new ArgumentException("--count must be at least 2.");
            using var model = ModelResolver.Load(context.Host, parse.GetValue(checkpoint)!, DeviceSelector.Resolve(parse.GetValue(device)!), preferEma: true);
            IMetric metric = parse.GetValue(metricName) is { } name
                ? model.Metrics.FirstOrDefault(m => m.Name == name) ?? throw new ArgumentException(
                    $"--metric '{name}' is not one of: {string.Join(", ", model.Metrics.Select(m => m.Name))}")
                : model.Metrics.FirstOrDefault() ?? throw new ArgumentException($"modality '{model.Modality.Name}' has no metrics");
            PredictionType prediction = model.Denoiser.PredictionType;
            entries = Steppable(entries, registry, prediction, explicitList);
            string referenceSampler = registry.TryGet("ddpm", out ISampler? ddpm) && ddpm!.SupportedPredictionTypes.Contains(prediction)
                ? "ddpm"
                : registry.DefaultFor(prediction).Name;
            string folder = OutputFolder.Prepare(parse.GetValue(output)!, parse.GetValue(overwrite), "--out");

            var runner = new Runner(context, model, registry, metric, parse.GetValue(count), parse.GetValue(seed));
            var csv = new StringBuilder("sampler,steps,nfe,metric,value,seconds\n");
            (string, double)? referenceLevel = null;
            if (parse.GetValue(reference) > 0)
            {
                var r = runner.Run((referenceSampler, null), parse.GetValue(reference), csv);
                referenceLevel = ($"{referenceSampler}-{parse.GetValue(reference)}", r.Value);
            }
            var series = new List<LinePlot.Series>();
            foreach (var entry in entries)
                series.Add(new LinePlot.Series(entry.Label, stepCounts.Select(n => runner.Run((entry.Sampler, entry.Overrides), n, csv)).ToList()));
            string csvPath = Path.Combine(folder, "compare.csv");
            AtomicFile.Write(csvPath, s => s.Write(Encoding.UTF8.GetBytes(csv.ToString())));
            string pngPath = Path.Combine(folder, "compare.png");
            LinePlot.Save(pngPath, $"{model.Modality.Name}: {metric.Name} vs network evaluations", "network evaluations (log)",
                metric.Name, series, referenceLevel);
            context.Out.WriteLine($"Wrote {csvPath} and {pngPath}.");
            return ExitCodes.Success;
        }));
        return command;
    }

    private sealed record Entry(string Label, string Sampler, IReadOnlyDictionary<string, string>? Overrides);

    private static List<Entry> ParseEntries(string text, SamplerRegistry registry, bool explicitList)
    {
        var entries = new List<Entry>();
        foreach (string item in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string[] parts = item.Split(':', 2);
            if (!registry.TryGet(parts[0], out _))
            {
                if (explicitList)
                    registry.Get(parts[0]);
                continue;
            }
            var overrides = parts.Length > 1 ? KeyValueOptions.Parse(parts[1].Split(';'), "--samplers") : null;
            entries.Add(new Entry(item, parts[0], overrides));
        }
        return entries.Count > 0 ? entries : throw new ArgumentException("--samplers names no registered sampler.");
    }

    /// <summary>The entries whose sampler steps <paramref name="prediction"/> models: an explicit list must hold only
    /// such samplers (the error names those that can), the default list drops the others.</summary>
    private static List<Entry> Steppable(List<Entry> entries, SamplerRegistry registry, PredictionType prediction, bool explicitList)
    {
        string type = PredictionTypes.ToConfigString(prediction);
        IReadOnlyList<ISampler> steppers = registry.For(prediction);
        string able = string.Join(", ", steppers.Select(s => s.Name));
        var kept = new List<Entry>();
        foreach (Entry entry in entries)
        {
            if (steppers.Contains(registry.Get(entry.Sampler)))
                kept.Add(entry);
            else if (explicitList)
                throw new ArgumentException($"--samplers: '{entry.Sampler}' does not support {type} models; samplers that do: {able}.");
        }
        return kept.Count > 0 ? kept : throw new ArgumentException($"--samplers names no sampler for {type} models; samplers that do: {able}.");
    }

    private static int[] ParseSteps(string text)
    {
        int[] steps = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => int.TryParse(s, out int n) && n >= 1 ? n : throw new ArgumentException($"--steps '{s}' is not a step count >= 1."))
            .ToArray();
        return steps.Length > 0 ? steps : throw new ArgumentException("--steps is empty.");
    }

    /// <summary>Generates and scores one (sampler, steps) cell, appending a CSV row.</summary>
    private sealed class Runner(CliContext context, DiffusionModel model, SamplerRegistry registry, IMetric metric, int count, long seed)
    {
        public (double X, double Value) Run((string Sampler, IReadOnlyDictionary<string, string>? Overrides) entry, int steps, StringBuilder csv)
        {
            SchedulerConfig scheduler = model.Scheduler;
            if (entry.Overrides is { Count: > 0 })
                scheduler = SchedulerConfig.FromJson(KeyValueOptions.ApplyTo(JsonNode.Parse(scheduler.ToJson())!.AsObject(), entry.Overrides).ToJsonString());
            int nfe = 0;
            var clock = Stopwatch.StartNew();
            using var scope = torch.NewDisposeScope();
            torch.Tensor samples = model.Generate(new GenerationRequest
            {
                Count = count, Sampler = entry.Sampler, Samplers = registry, Steps = steps, Seed = seed, Scheduler = scheduler,
                Progress = p => nfe = p.StepCount, CancellationToken = context.Cancellation,
            });
            double seconds = clock.Elapsed.TotalSeconds;
            using var generator = new torch.Generator((ulong)seed + 2, model.Device);
            double value = metric.Compute(samples, Conditioning.None, generator);
            string label = entry.Overrides is null ? entry.Sampler : $"{entry.Sampler}:{string.Join(";", entry.Overrides.Select(kv => $"{kv.Key}={kv.Value}"))}";
            csv.Append(CultureInfo.InvariantCulture, $"{label},{steps},{nfe},{metric.Name},{value:G6},{seconds:F3}\n");
            context.Out.WriteLine($"  {label,-28} steps {steps,5}  nfe {nfe,5}  {metric.Name} {value:G5}  ({seconds:F1}s)");
            return (nfe, value);
        }
    }
}
