using System.CommandLine;
using DiffusionFramework.Core.Pipelines;
using TorchSharp;

namespace DiffusionFramework.Cli.Commands;

/// <summary>
/// <c>diffusion img2img &lt;checkpoint&gt; --input FILE [--strength 0.6]</c>: SDEdit (Meng et al. 2022, arXiv
/// 2108.01073) for any modality with a sample reader: the inputs are noised to <c>strength</c> and denoised again.
/// </summary>
public static class Img2ImgCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext context)
    {
        var checkpoint = new Argument<string>("checkpoint") { Description = "A checkpoint folder, or a training run folder." };
        var input = new Option<string[]>("--input")
        {
            Description = "A file of the modality's samples to start from (repeatable); read by the modality's reader.",
            Required = true,
        };
        var strength = new Option<double>("--strength")
        {
            Description = "How far the inputs are noised, in [0, 1]: 0 returns them, 1 ignores them.",
            DefaultValueFactory = _ => 0.6,
        };
        var options = new GenerationOptions();
        var output = new SampleOutput("img2img");
        var command = new Command("img2img", "Edit samples (SDEdit): noise the inputs part way and denoise them with a checkpoint.") { checkpoint, input, strength };
        output.AddTo(command);
        options.AddTo(command);
        command.SetAction(parse => CliApp.Guard(context, () =>
        {
            GenerationOptions.Values values = options.Read(parse);
            double s = parse.GetValue(strength);
            if (s is not (>= 0 and <= 1))
                throw new ArgumentException($"--strength must lie in [0, 1] (got {s}).");
            string[] files = parse.GetValue(input)!;
            torch.Device device = CommonOptions.ResolveDevice(values.Device);
            using var model = ModelResolver.Load(context.Host, parse.GetValue(checkpoint)!, device, values.PreferEma);
            using var scope = torch.NewDisposeScope();
            torch.Tensor init = InputBatches.ReadSamples(model, "img2img --input", files);
            GenerationRequest request = values.ToRequest(context, model, ($"--input {string.Join(", ", files)}", init.shape[0]))
                with { Strength = s, InitImage = init };
            return SampleOutput.GenerateAndWrite(context, model, request, output.Folder(parse, model), "img2img");
        }));
        return command;
    }
}
