using System.CommandLine;
using DiffusionFramework.Core.Pipelines;
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
        var output = new SampleOutput("samples");
        var command = new Command("sample", "Generate samples from a checkpoint and write them to files.") { checkpoint };
        output.AddTo(command);
        options.AddTo(command);
        command.SetAction(parse => CliApp.Guard(context, () =>
        {
            GenerationOptions.Values values = options.Read(parse);
            torch.Device device = CommonOptions.ResolveDevice(values.Device);
            using var model = ModelResolver.Load(context.Host, parse.GetValue(checkpoint)!, device, values.PreferEma);
            using var scope = torch.NewDisposeScope();
            GenerationRequest request = values.ToRequest(context, model);
            string folder = output.Folder(parse, model);
            return SampleOutput.GenerateAndWrite(context, model, request, folder, "sample");
        }));
        return command;
    }
}
