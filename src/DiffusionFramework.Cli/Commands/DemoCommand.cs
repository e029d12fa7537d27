using System.CommandLine;
using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Pipelines;
using DiffusionFramework.Core.Sampling;
using DiffusionFramework.Core.Training;
using Microsoft.Extensions.DependencyInjection;
using TorchSharp;

namespace DiffusionFramework.Cli.Commands;

/// <summary>
/// <c>diffusion demo</c>: the whole engine in a minute with nothing but the repository. Trains the built-in points2d
/// model (two moons), samples it with DDIM-50 and DPM-Solver++-20, writes CSV and SVG files, and prints the sliced
/// Wasserstein distance of the samples beside that of pure noise.
/// </summary>
public static class DemoCommand
{
    /// <summary>The modality the demo trains.</summary>
    public const string Modality = "points2d";

    private static readonly (string Sampler, int Steps)[] Runs = [("ddim", 50), ("dpmsolver++", 20)];

    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext context)
    {
        var output = new Option<string>("--out") { Description = "Folder for the run, samples and plots.", DefaultValueFactory = _ => "demo-output" };
        var overwrite = new Option<bool>("--overwrite") { Description = "Allow writing into an existing, non-empty --out folder." };
        var steps = new Option<int?>("--steps") { Description = "Training steps (the modality's default when absent)." };
        var count = new Option<int>("--count") { Description = "Samples per sampler.", DefaultValueFactory = _ => 2000 };
        var seed = CommonOptions.Seed();
        var device = CommonOptions.Device();
        var command = new Command("demo", "Train the built-in 2-D toy model, sample it with two samplers and report the quality metric.")
        {
            output, overwrite, steps, count, seed, device,
        };
        command.SetAction(parse => CliApp.Guard(context, () =>
        {
            IModality modality = context.Host.GetModality(Modality);
            string folder = OutputFolder.Prepare(parse.GetValue(output)!, parse.GetValue(overwrite), "--out");
            string runFolder = Path.Combine(folder, "run");
            if (Directory.Exists(runFolder))
                Directory.Delete(runFolder, recursive: true);
            torch.Device dev = CommonOptions.ResolveDevice(parse.GetValue(device)!);
            TrainerOptions defaults = TrainerOptions.FromDefaults(modality.TrainingDefaults);
            TrainerOptions options = defaults with
            {
                Steps = parse.GetValue(steps) ?? defaults.Steps,
                CheckpointDirectory = runFolder,
                CheckpointEvery = 0,
                Seed = parse.GetValue(seed),
                Device = parse.GetValue(device)!,
            };
            using (var fresh = DiffusionModel.Create(modality, context.Host.PluginOf(modality), dev))
            {
                var dataset = modality.OpenDataset(null, fresh.NetworkConfig);
                try
                {
                    TrainCommand.Train(context, fresh, dataset, options, resume: false);
                }
                finally
                {
                    (dataset as IDisposable)?.Dispose();
                }
            }
            using var model = ModelResolver.Load(context.Host, runFolder, dev, preferEma: true);
            SamplerRegistry registry = context.Host.Services.GetRequiredService<SamplerRegistry>();
            foreach ((string sampler, int n) in Runs.Where(r => registry.TryGet(r.Sampler, out _)))
            {
                var request = new GenerationRequest
                {
                    Count = parse.GetValue(count), Sampler = sampler, Steps = n, Seed = parse.GetValue(seed),
                    Samplers = registry, CancellationToken = context.Cancellation,
                };
                using var scope = torch.NewDisposeScope();
                string label = $"{sampler}-{n}";
                torch.Tensor samples = model.Generate(request);
                MetricTable.Write(context.Out, model, samples, request, label);
                IReadOnlyList<string> files = model.Modality.Writer.Write(samples, Conditioning.None,
                    Directory.CreateDirectory(Path.Combine(folder, label)).FullName, "samples");
                context.Out.WriteLine($"  wrote {string.Join(", ", files.Select(f => Path.GetRelativePath(folder, f)))}");
            }
            context.Out.WriteLine($"Demo output in {folder} (checkpoint in {Path.Combine(folder, "run")}).");
            return ExitCodes.Success;
        }));
        return command;
    }
}
