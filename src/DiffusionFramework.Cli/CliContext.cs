using DiffusionFramework.Hosting;

namespace DiffusionFramework.Cli;

/// <summary>What every command's action needs: the composed host, the output streams and the cancellation token.</summary>
/// <param name="Host">Engine and loaded plugins.</param>
/// <param name="Out">Results (tables, file lists).</param>
/// <param name="Error">Errors, warnings and progress.</param>
/// <param name="Cancellation">Signalled by Ctrl+C.</param>
public sealed record CliContext(DiffusionHost Host, TextWriter Out, TextWriter Error, CancellationToken Cancellation);
