using System.CommandLine;
using DiffusionFramework.Core.Pipelines;
using TorchSharp;

namespace DiffusionFramework.Cli.Commands;

/// <summary>
/// <c>--out</c> and <c>--overwrite</c> of the commands that generate files, and the generate-then-write step they share:
/// the folder is checked before any work (<see cref="OutputFolder.Check"/>) and created only once there are samples.
/// </summary>
public sealed class SampleOutput
{
    private readonly Option<string?> _out;
    private readonly Option<bool> _overwrite = new("--overwrite") { Description = "Allow writing into an existing, non-empty --out folder." };
    private readonly string _folderPrefix;

    /// <summary>Options whose default folder is <c>&lt;folderPrefix&gt;-&lt;modality&gt;-&lt;time&gt;</c>.</summary>
    public SampleOutput(string folderPrefix)
    {
        _folderPrefix = folderPrefix;
        _out = new("--out") { Description = $"Output folder (default: {folderPrefix}-<modality>-<time>)." };
    }

    /// <summary>Adds <c>--out</c> and <c>--overwrite</c> to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(_out);
        command.Options.Add(_overwrite);
    }

    /// <summary>The checked output folder for <paramref name="model"/> (nothing is created).</summary>
    /// <exception cref="IOException">The folder may not receive output (see <see cref="OutputFolder.Check"/>).</exception>
    public string Folder(ParseResult parse, DiffusionModel model) => OutputFolder.Check(
        parse.GetValue(_out) ?? $"{_folderPrefix}-{model.Modality.Name}-{DateTime.Now:yyyyMMdd-HHmmss}",
        parse.GetValue(_overwrite), "--out");

    /// <summary>Generates <paramref name="request"/>, writes the samples with the modality's writer into
    /// <paramref name="folder"/> as <c>&lt;prefix&gt;*</c> files, and lists them.</summary>
    public static int GenerateAndWrite(CliContext context, DiffusionModel model, GenerationRequest request,
        string folder, string prefix)
    {
        using var scope = torch.NewDisposeScope();
        torch.Tensor samples = model.Generate(request);
        Directory.CreateDirectory(folder);
        IReadOnlyList<string> files = model.Modality.Writer.Write(samples, request.Conditioning!, folder, prefix);
        context.Out.WriteLine($"Wrote {files.Count} file(s) to {folder}:");
        foreach (string f in files.Take(20))
            context.Out.WriteLine($"  {f}");
        if (files.Count > 20)
            context.Out.WriteLine($"  ... and {files.Count - 20} more");
        return ExitCodes.Success;
    }
}
