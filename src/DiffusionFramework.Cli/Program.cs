using DiffusionFramework.Cli;
using DiffusionFramework.Core.Devices;

OneDnnIsaLimit.Apply(); // before any torch call (see OneDnnIsaLimit)
NnpackSwitch.Disable(); // no "Could not initialize NNPACK" flood on CPUs NNPACK does not support

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};
return CliApp.Run(args, Console.Out, Console.Error, cancellation.Token);
