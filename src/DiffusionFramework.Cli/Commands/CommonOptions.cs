using System.CommandLine;
using DiffusionFramework.Core.Devices;

namespace DiffusionFramework.Cli.Commands;

/// <summary>Options several commands share, built fresh for each command.</summary>
public static class CommonOptions
{
    /// <summary><c>--device cpu|cuda|auto</c>.</summary>
    public static Option<string> Device() => new("--device")
    {
        Description = $"Where tensors live: {DeviceSelector.Choices}.",
        DefaultValueFactory = _ => "cpu",
    };

    /// <summary><c>--seed N</c>: one seeded generator per run.</summary>
    public static Option<long> Seed() => new("--seed")
    {
        Description = "Seed of the run's random generator (same seed and options give the same output on CPU).",
        DefaultValueFactory = _ => 0L,
    };
}
