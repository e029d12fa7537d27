using System.CommandLine;
using DiffusionFramework.Core.Editing;
using DiffusionFramework.Core.Pipelines;
using TorchSharp;

namespace DiffusionFramework.Cli.Commands;

/// <summary>
/// <c>diffusion inpaint &lt;checkpoint&gt; --input FILE --mask FILE</c>: regenerate the masked part of the inputs
/// (mask 1 = regenerate, 0 = keep) by known-region replacement or RePaint (Lugmayr et al. 2022, arXiv 2201.09865),
/// for any modality with a sample reader. The kept part of every output is the input, bit for bit.
/// </summary>
public static class InpaintCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext context)
    {
        var checkpoint = new Argument<string>("checkpoint") { Description = "A checkpoint folder, or a training run folder." };
        var input = new Option<string[]>("--input")
        {
            Description = "A file of the modality's samples whose unmasked part is kept (repeatable).",
            Required = true,
        };
        var mask = new Option<string>("--mask")
        {
            Description = "The mask file (1 = regenerate, 0 = keep): one mask for all samples, or one per sample.",
            Required = true,
        };
        var mode = new Option<string>("--mode")
        {
            Description = "replace: paste the noised known part after every step; repaint: also resample (RePaint).",
            DefaultValueFactory = _ => "replace",
        };
        mode.AcceptOnlyFromAmong("replace", "repaint");
        var jump = new Option<int>("--jump-length") { Description = "RePaint's jump length j (steps per jump back).", DefaultValueFactory = _ => 10 };
        var resample = new Option<int>("--resample") { Description = "RePaint's resample count r (times each stretch is denoised).", DefaultValueFactory = _ => 10 };
        var options = new GenerationOptions();
        var output = new SampleOutput("inpaint");
        var command = new Command("inpaint", "Regenerate the masked part of samples with a checkpoint, keeping the rest.") { checkpoint, input, mask, mode, jump, resample };
        output.AddTo(command);
        options.AddTo(command);
        command.SetAction(parse => CliApp.Guard(context, () =>
        {
            GenerationOptions.Values values = options.Read(parse);
            RePaintSettings? rePaint = ReadRePaint(parse, mode, jump, resample);
            string[] files = parse.GetValue(input)!;
            string maskFile = parse.GetValue(mask)!;
            torch.Device device = CommonOptions.ResolveDevice(values.Device);
            using var model = ModelResolver.Load(context.Host, parse.GetValue(checkpoint)!, device, values.PreferEma);
            using var scope = torch.NewDisposeScope();
            torch.Tensor known = InputBatches.ReadSamples(model, "inpaint --input", files);
            torch.Tensor m = InputBatches.RequireReader(model, "inpaint --mask").ReadMask(maskFile, model.NetworkConfig, device);
            string maskSource = $"--mask {maskFile}";
            GenerationRequest request = values.ToRequest(context, model,
                ($"--input {string.Join(", ", files)}", known.shape[0]), (maskSource, InputBatches.BatchOf(m, model.SampleShape)));
            InputBatches.RequireBroadcast(m, request.Count, model.SampleShape, maskSource);
            request = request with { Mask = m, KnownImage = known, RePaint = rePaint };
            return SampleOutput.GenerateAndWrite(context, model, request, output.Folder(parse, model), "inpaint");
        }));
        return command;
    }

    /// <summary>The RePaint settings of <c>--mode repaint</c>, or null for <c>replace</c>.</summary>
    /// <exception cref="ArgumentException">A setting below 1, or one given with <c>--mode replace</c>.</exception>
    private static RePaintSettings? ReadRePaint(ParseResult parse, Option<string> mode, Option<int> jump, Option<int> resample)
    {
        int j = parse.GetValue(jump), r = parse.GetValue(resample);
        if (parse.GetValue(mode) != "repaint")
        {
            if (parse.GetResult(jump) is { Implicit: false } || parse.GetResult(resample) is { Implicit: false })
                throw new ArgumentException("--jump-length and --resample apply to --mode repaint only.");
            return null;
        }
        if (j < 1)
            throw new ArgumentException($"--jump-length must be at least 1 (got {j}).");
        if (r < 1)
            throw new ArgumentException($"--resample must be at least 1 (got {r}).");
        return new RePaintSettings(j, r);
    }
}
