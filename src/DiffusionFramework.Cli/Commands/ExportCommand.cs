using System.CommandLine;
using DiffusionFramework.Core.Pipelines;
using TorchSharp;

namespace DiffusionFramework.Cli.Commands;

/// <summary>
/// <c>diffusion export &lt;checkpoint&gt; --out FOLDER</c>: an inference-only copy of a training checkpoint
/// (config.json + model.safetensors with the EMA weights, no optimizer state), the form a trained model is shipped in.
/// </summary>
public static class ExportCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext context)
    {
        var checkpoint = new Argument<string>("checkpoint") { Description = "A checkpoint folder, or a training run folder (its newest checkpoint is used)." };
        var output = new Option<string>("--out") { Description = "The new checkpoint folder (must not exist, or be a checkpoint folder to replace).", Required = true };
        var noEma = new Option<bool>("--no-ema") { Description = "Export the raw weights even when the checkpoint has EMA weights." };
        var command = new Command("export", "Write an inference-only checkpoint (weights the model samples with, no training state).")
        {
            checkpoint, output, noEma,
        };
        command.SetAction(parse => CliApp.Guard(context, () =>
        {
            string folder = Path.GetFullPath(parse.GetValue(output)!);
            using var model = ModelResolver.Load(context.Host, parse.GetValue(checkpoint)!, torch.CPU, !parse.GetValue(noEma));
            model.SaveForInference(folder);
            long bytes = new DirectoryInfo(folder).EnumerateFiles().Sum(f => f.Length);
            context.Out.WriteLine($"Exported {model.Modality.Name} model to {folder} ({bytes / 1024.0 / 1024.0:F1} MiB).");
            return ExitCodes.Success;
        }));
        return command;
    }
}
