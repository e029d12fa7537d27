using System.CommandLine;
using DiffusionFramework.Abstractions;
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
            using var model = ModelResolver.Load(context.Host, parse.GetValue(checkpoint)!, CommonOptions.ResolveDevice(values.Device), values.PreferEma);
            using var scope = torch.NewDisposeScope();
            GenerationRequest request = values.ToRequest(context, model);
            MetricTable.Write(context.Out, model, model.Generate(request), request, $"{request.Sampler}-{values.Steps}");
            return ExitCodes.Success;
        }));
        return command;
    }
}
