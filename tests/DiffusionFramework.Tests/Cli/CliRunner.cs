using DiffusionFramework.Cli;

namespace DiffusionFramework.Tests.Cli;

/// <summary>What one in-process run of the <c>diffusion</c> command returned and printed.</summary>
/// <param name="ExitCode">The exit code.</param>
/// <param name="Out">Everything written to standard output.</param>
/// <param name="Error">Everything written to standard error (errors and progress lines).</param>
internal sealed record CliResult(int ExitCode, string Out, string Error)
{
    /// <summary>The non-empty lines of standard error.</summary>
    public string[] ErrorLines => Lines(Error);

    /// <summary>The non-empty lines of standard output.</summary>
    public string[] OutLines => Lines(Out);

    /// <summary>Shown by xunit when an assertion on the result fails.</summary>
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}--- stderr\n{Error}";

    private static string[] Lines(string text) =>
        text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>Runs <see cref="CliApp.Run"/> in-process with string writers; plugins come from the test output's plugins/.</summary>
internal static class CliRunner
{
    public static CliResult Run(params string[] args) => Run(CancellationToken.None, args);

    /// <summary>Runs the command with <paramref name="cancellation"/> as its Ctrl+C token.</summary>
    public static CliResult Run(CancellationToken cancellation, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exit = CliApp.Run(args, output, error, cancellation);
        return new CliResult(exit, output.ToString(), error.ToString());
    }

    /// <summary>Runs the command and fails with its full output unless it exited with 0.</summary>
    public static CliResult Succeed(params string[] args)
    {
        CliResult result = Run(args);
        Assert.True(result.ExitCode == 0, $"diffusion {string.Join(' ', args)} failed:\n{result}");
        return result;
    }
}
