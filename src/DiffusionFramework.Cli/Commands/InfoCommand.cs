using System.CommandLine;
using System.Runtime.InteropServices;
using DiffusionFramework.Core.Devices;

namespace DiffusionFramework.Cli.Commands;

/// <summary><c>diffusion info</c>: the runtime the engine runs on, and the workarounds in force.</summary>
public static class InfoCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext context)
    {
        var command = new Command("info", "Show the runtime: .NET, TorchSharp, threads, CUDA, and the native workarounds in force.");
        command.SetAction(_ => CliApp.Guard(context, () =>
        {
            TextWriter o = context.Out;
            o.WriteLine($".NET        {RuntimeInformation.FrameworkDescription} on {RuntimeInformation.OSDescription} ({RuntimeInformation.ProcessArchitecture})");
            o.WriteLine($"TorchSharp  {typeof(TorchSharp.torch).Assembly.GetName().Version}; intra-op threads {TorchSharp.torch.get_num_threads()}");
            o.WriteLine($"CUDA        {(TorchSharp.torch.cuda.is_available() ? $"{TorchSharp.torch.cuda.device_count()} device(s)" : "not available")}");
            o.WriteLine($"oneDNN ISA  {OneDnnIsaLimit.Current ?? "libtorch's choice"} ({OneDnnIsaLimit.Variable})");
            o.WriteLine($"NNPACK      {NnpackSwitch.Enabled switch { true => "on", false => "off", null => "libtorch's default" }}");
            o.WriteLine($"JIT         {(MinOptsRelaunch.IsActive ? "minimum optimisation" : "optimised")} ({MinOptsRelaunch.Variable}={Environment.GetEnvironmentVariable(MinOptsRelaunch.Variable) ?? "unset"})");
            return ExitCodes.Success;
        }));
        return command;
    }
}
