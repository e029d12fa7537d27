using DiffusionFramework.Cli;
using DiffusionFramework.Core.Devices;

if (MinOptsRelaunch.IsNeeded && MinOptsRelaunch.Run(args) is int exitCode)
    return exitCode; // the child ran the command (see MinOptsRelaunch)

NnpackSwitch.Disable(); // no "Could not initialize NNPACK" flood on CPUs NNPACK does not support

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};
return CliApp.Run(args, Console.Out, Console.Error, cancellation.Token);
