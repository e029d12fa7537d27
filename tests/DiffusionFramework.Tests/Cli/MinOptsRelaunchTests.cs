using System.Diagnostics;
using DiffusionFramework.Cli;
using DiffusionFramework.Core.Devices;

namespace DiffusionFramework.Tests.Cli;

/// <summary>The real CLI process (not <see cref="CliApp"/> in-process): it relaunches itself with DOTNET_JITMinOpts=1.</summary>
public sealed class MinOptsRelaunchTests
{
    private static (int ExitCode, string Output) RunCli(string? minOpts, string? isa, params string[] args)
    {
        string dotnet = Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";
        var start = new ProcessStartInfo(dotnet)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "diffusion.dll"));
        foreach (string arg in args)
            start.ArgumentList.Add(arg);
        start.Environment.Remove(MinOptsRelaunch.Variable); // the test host itself runs with it (test.runsettings)
        if (minOpts is not null)
            start.Environment[MinOptsRelaunch.Variable] = minOpts;
        start.Environment.Remove(OneDnnIsaLimit.Variable);
        if (isa is not null)
            start.Environment[OneDnnIsaLimit.Variable] = isa;
        using Process process = Process.Start(start)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(120_000), "the CLI did not finish in 2 minutes");
        return (process.ExitCode, output + error.Result);
    }

    [Fact]
    public void WithoutTheVariableTheCommandRunsInAChildWithMinimumOptimisation()
    {
        (int exitCode, string output) = RunCli(null, null, "info");

        Assert.Equal(0, exitCode);
        Assert.Contains("JIT         minimum optimisation (DOTNET_JITMinOpts=1)", output);
        Assert.Contains("NNPACK      off", output);
        Assert.Contains("oneDNN ISA  libtorch's choice (ONEDNN_MAX_CPU_ISA)", output);
    }

    [Fact]
    public void SettingTheVariableToZeroOptsOutAndExitCodesPassThroughTheChild()
    {
        (int exitCode, string output) = RunCli("0", null, "info");
        Assert.Equal(0, exitCode);
        Assert.Contains("JIT         optimised (DOTNET_JITMinOpts=0)", output);
        Assert.Contains("oneDNN ISA  AVX (ONEDNN_MAX_CPU_ISA)", RunCli("0", "AVX", "info").Output);

        (int usage, string error) = RunCli(null, null, "no-such-command");
        Assert.Equal(ExitCodes.Usage, usage);
        Assert.Contains("no-such-command", error);
    }
}
