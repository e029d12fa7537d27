using System.Diagnostics;

namespace DiffusionFramework.Cli;

/// <summary>
/// Runs the CLI in a child process with <c>DOTNET_JITMinOpts=1</c> unless the variable is already set. TorchSharp
/// 0.107's optimised code lets a <c>Scalar</c> or tensor wrapper become unreachable while libtorch still reads it, so a
/// collection started by another thread can free it mid-call (README, "Scalars freed while libtorch reads them"): a
/// wrong number, a libtorch check failure or an access violation, rarely, in long runs. Unoptimised code keeps every
/// argument alive until its call returns. The variable only works from the environment, so the process sets it for a
/// child that inherits the console and returns the child's exit code. Setting <c>DOTNET_JITMinOpts=0</c> opts out.
/// </summary>
public static class MinOptsRelaunch
{
    /// <summary>The runtime's variable.</summary>
    public const string Variable = "DOTNET_JITMinOpts";

    /// <summary>True when the variable is unset, so the CLI should run in a child that has it.</summary>
    public static bool IsNeeded => Environment.GetEnvironmentVariable(Variable) is null;

    /// <summary>True when this process runs unoptimised JIT code (the variable is 1).</summary>
    public static bool IsActive => Environment.GetEnvironmentVariable(Variable) == "1";

    /// <summary>
    /// Starts the same program with the same arguments and the variable set, waits, and returns its exit code; null
    /// when the child cannot be started (the caller then runs in this process).
    /// </summary>
    public static int? Run(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        string? host = Environment.ProcessPath;
        if (host is null)
            return null;
        var start = new ProcessStartInfo(host) { UseShellExecute = false };
        // Under 'dotnet diffusion.dll' the host is dotnet and the program its first argument; an apphost is the program.
        if (string.Equals(Path.GetFileNameWithoutExtension(host), "dotnet", StringComparison.OrdinalIgnoreCase))
            start.ArgumentList.Add(typeof(MinOptsRelaunch).Assembly.Location);
        foreach (string arg in args)
            start.ArgumentList.Add(arg);
        start.Environment[Variable] = "1";
        try
        {
            using Process child = Process.Start(start) ?? throw new InvalidOperationException("no process");
            // Ctrl+C reaches the child too (same process group); this process only waits for it to finish.
            Console.CancelKeyPress += (_, e) => e.Cancel = true;
            child.WaitForExit();
            return child.ExitCode;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return null;
        }
    }
}
