using System.CommandLine;
using DiffusionFramework.Core.Devices;
using TorchSharp;

namespace DiffusionFramework.Cli.Commands;

/// <summary>Options several commands share, built fresh for each command.</summary>
public static class CommonOptions
{
    /// <summary>The devices a command accepts (the library also accepts <c>meta</c>, which holds no values).</summary>
    public const string DeviceChoices = "cpu | cuda | cuda:N | auto";

    /// <summary><c>--device cpu|cuda|auto</c>.</summary>
    public static Option<string> Device() => new("--device")
    {
        Description = $"Where tensors live: {DeviceChoices}.",
        DefaultValueFactory = _ => "cpu",
    };

    /// <summary><c>--seed N</c>: one seeded generator per run.</summary>
    public static Option<long> Seed() => new("--seed")
    {
        Description = "Seed of the run's random generator (same seed and options give the same output on CPU).",
        DefaultValueFactory = _ => 0L,
    };

    /// <summary>The device a <c>--device</c> value names (see <see cref="DeviceSelector"/>).</summary>
    /// <exception cref="ArgumentException">The value is unknown, or <c>meta</c>: a meta tensor has a shape but no
    /// values, so no command could write or score its results.</exception>
    /// <exception cref="InvalidOperationException">CUDA was asked for but is not available.</exception>
    public static torch.Device ResolveDevice(string choice)
    {
        torch.Device device;
        try
        {
            device = DeviceSelector.Resolve(choice);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"--device '{choice}' is not one of: {DeviceChoices}.", e);
        }
        if (device.type == DeviceType.META)
            throw new ArgumentException(
                $"--device '{choice}': the meta device holds no values, so nothing could be written or scored; use one of: {DeviceChoices}.");
        return device;
    }
}
