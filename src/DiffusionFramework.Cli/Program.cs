using DiffusionFramework.Cli;
using DiffusionFramework.Core.Devices;

OneDnnIsaLimit.Apply(); // before any torch call (see OneDnnIsaLimit)

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};
return CliApp.Run(args, Console.Out, Console.Error, cancellation.Token);
