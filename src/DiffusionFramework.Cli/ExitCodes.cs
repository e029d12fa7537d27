namespace DiffusionFramework.Cli;

/// <summary>Process exit codes of the <c>diffusion</c> command; documented in README.</summary>
public static class ExitCodes
{
    /// <summary>The command did what it was asked.</summary>
    public const int Success = 0;

    /// <summary>Unexpected failure (a bug or an environment problem); the message says what.</summary>
    public const int Failure = 1;

    /// <summary>The command line is wrong: unknown option, sampler, modality, plugin or an invalid value.</summary>
    public const int Usage = 2;

    /// <summary>An input file or folder is missing, unreadable or corrupt (checkpoint, data, config).</summary>
    public const int BadInput = 3;

    /// <summary>The run was cancelled (Ctrl+C).</summary>
    public const int Cancelled = 130;
}
