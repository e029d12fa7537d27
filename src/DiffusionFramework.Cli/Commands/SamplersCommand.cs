using System.CommandLine;
using DiffusionFramework.Core;
using DiffusionFramework.Core.Sampling;

namespace DiffusionFramework.Cli.Commands;

/// <summary><c>diffusion samplers</c>: the samplers the engine offers, with aliases and capabilities.</summary>
public static class SamplersCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext context)
    {
        var command = new Command("samplers", "List the samplers (names usable with --sampler), their aliases and prediction types.");
        command.SetAction(_ => CliApp.Guard(context, () =>
        {
            foreach (ISampler s in SamplerRegistry.BuiltIn.Samplers)
            {
                string types = string.Join(", ", s.SupportedPredictionTypes.Select(PredictionTypes.ToConfigString));
                string kind = s.IsStochastic ? "stochastic" : "deterministic";
                context.Out.WriteLine($"  {s.Name,-16} {kind,-13} [{types}]  aliases: {string.Join(", ", s.Aliases)}");
            }
            return ExitCodes.Success;
        }));
        return command;
    }
}
