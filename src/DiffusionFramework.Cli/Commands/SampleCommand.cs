using System.CommandLine;
using DiffusionFramework.Core.Pipelines;
using DiffusionFramework.Core.Sampling;
using TorchSharp;

namespace DiffusionFramework.Cli.Commands;

/// <summary><c>diffusion sample &lt;checkpoint&gt;</c>: generate samples and write them as the modality's files.</summary>
public static class SampleCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext context)
    {
        var checkpoint = new Argument<string>("checkpoint") { Description = "A checkpoint folder, or a training run folder (its newest checkpoint is used)." };
        var options = new GenerationOptions();
        var output = new Option<string?>("--out") { Description = "Output folder (default: samples-<modality>-<time>)." };
        var overwrite = new Option<bool>("--overwrite") { Description = "Allow writing into an existing, non-empty --out folder." };
        var command = new Command("sample", "Generate samples from a checkpoint and write them to files.") { checkpoint, output, overwrite };
        options.AddTo(command);
        command.SetAction(parse => CliApp.Guard(context, () =>
        {
            GenerationOptions.Values values = options.Read(parse);
            torch.Device device = CommonOptions.ResolveDevice(values.Device);
            using var model = ModelResolver.Load(context.Host, parse.GetValue(checkpoint)!, device, values.PreferEma);
            var request = values.ToRequest(context, model);
            string folder = OutputFolder.Check(
                parse.GetValue(output) ?? $"samples-{model.Modality.Name}-{DateTime.Now:yyyyMMdd-HHmmss}",
                parse.GetValue(overwrite), "--out");
            using var scope = torch.NewDisposeScope();
            torch.Tensor samples = model.Generate(request);
            Directory.CreateDirectory(folder);
            IReadOnlyList<string> files = model.Modality.Writer.Write(samples, request.Conditioning!, folder, "sample");
            context.Out.WriteLine($"Wrote {files.Count} file(s) to {folder}:");
            foreach (string f in files.Take(20))
                context.Out.WriteLine($"  {f}");
            if (files.Count > 20)
                context.Out.WriteLine($"  ... and {files.Count - 20} more");
            return ExitCodes.Success;
        }));
        return command;
    }
}
