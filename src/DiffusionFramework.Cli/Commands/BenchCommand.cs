using System.CommandLine;
using DiffusionFramework.Cli.Benchmarks;
using DiffusionFramework.Core.Pipelines;
using DiffusionFramework.Core.Sampling;
using TorchSharp;
using Device = TorchSharp.torch.Device;

namespace DiffusionFramework.Cli.Commands;

/// <summary><c>diffusion bench</c>: the engine's sampling overhead and memory, measured in one run.</summary>
public static class BenchCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext context)
    {
        var device = CommonOptions.Device();
        var batch = new Option<int>("--batch") { Description = "Samples per batch (the toy batch).", DefaultValueFactory = _ => 512 };
        var steps = new Option<int>("--steps") { Description = "Sampling steps per run.", DefaultValueFactory = _ => 50 };
        var targetMs = new Option<double>("--denoiser-ms") { Description = "Cost of one call of the benchmark denoiser.", DefaultValueFactory = _ => 10.0 };
        var memorySteps = new Option<int>("--memory-steps") { Description = "Steps of the memory test.", DefaultValueFactory = _ => 10_000 };
        var repeats = new Option<int>("--repeats") { Description = "Timed repetitions (the median is reported).", DefaultValueFactory = _ => 5 };
        var samplerList = new Option<string?>("--samplers") { Description = "Comma-separated samplers to measure (default: all)." };
        var checkpoint = new Option<string?>("--checkpoint")
        {
            Description = "Measure this trained model instead: samples/s of whole runs at --batch and --steps, and run time over bare denoiser calls.",
        };
        var command = new Command("bench", "Measure the engine's cost per sampling step, run time over bare model calls, and memory across many steps.")
        {
            device, batch, steps, targetMs, memorySteps, repeats, samplerList, checkpoint,
        };
        command.SetAction(parse => CliApp.Guard(context, () =>
        {
            int n = parse.GetValue(steps);
            if (n < 1 || parse.GetValue(batch) < 1 || parse.GetValue(repeats) < 1)
                throw new ArgumentException("--steps, --batch and --repeats must be at least 1.");
            Device resolved = CommonOptions.ResolveDevice(parse.GetValue(device)!);
            IReadOnlyList<string> samplers = parse.GetValue(samplerList) is { } list
                ? list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .Select(n => SamplerRegistry.BuiltIn.Get(n).Name).ToArray()
                : SamplerRegistry.BuiltIn.Names;
            if (parse.GetValue(checkpoint) is { } path)
            {
                using DiffusionModel model = ModelResolver.Load(context.Host, path, resolved, preferEma: true);
                new ModelBenchmark(context.Out, model, parse.GetValue(batch)).Run(samplers, n, parse.GetValue(repeats));
                return ExitCodes.Success;
            }
            var bench = new SamplingBenchmark(context.Out, resolved, parse.GetValue(batch), features: 2);
            bench.EngineOverhead(samplers, n, parse.GetValue(repeats));
            bench.RunOverBareRatio(samplers, n, parse.GetValue(targetMs), parse.GetValue(repeats));
            bench.MemoryOverSteps(samplers.Contains("ddim") ? "ddim" : samplers[0], n, parse.GetValue(memorySteps));
            return ExitCodes.Success;
        }));
        return command;
    }
}
