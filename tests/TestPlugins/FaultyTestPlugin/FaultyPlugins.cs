using DiffusionFramework.Abstractions;
using Microsoft.Extensions.DependencyInjection;

namespace FaultyTestPlugin;

/// <summary>Registers a modality, then fails: the registration must not reach the host.</summary>
public sealed class ConfigureThrowsPlugin : IDiffusionPlugin
{
    public PluginInfo Info { get; } = new("test-configure-throws", "1.0.0", "test", "Fails in ConfigureServices.");

    public void ConfigureServices(IServiceCollection services)
    {
        services.AddSingleton<IModality>(_ => throw new InvalidOperationException("leaked registration resolved"));
        throw new InvalidOperationException("ConfigureThrowsPlugin fails on purpose");
    }
}

/// <summary>Fails before it can say who it is.</summary>
public sealed class ConstructorThrowsPlugin : IDiffusionPlugin
{
    public ConstructorThrowsPlugin() => throw new InvalidOperationException("ConstructorThrowsPlugin fails on purpose");

    public PluginInfo Info => throw new InvalidOperationException("unreachable");

    public void ConfigureServices(IServiceCollection services) { }
}

/// <summary>Registers a service whose dependency nobody provides.</summary>
public sealed class UnresolvablePlugin : IDiffusionPlugin
{
    public PluginInfo Info { get; } = new("test-unresolvable", "1.0.0", "test", "Registers an unconstructible service.");

    public void ConfigureServices(IServiceCollection services) => services.AddSingleton<NeedsMissingService>();
}

/// <summary>A plugin the host cannot create: it has no parameterless constructor.</summary>
public sealed class NeedsArgumentPlugin(string setting) : IDiffusionPlugin
{
    public PluginInfo Info { get; } = new("test-needs-argument", "1.0.0", "test", setting);

    public void ConfigureServices(IServiceCollection services) { }
}

/// <summary>A dependency no one registers.</summary>
public interface IMissingService;

/// <summary>Cannot be constructed by the container.</summary>
public sealed class NeedsMissingService(IMissingService missing)
{
    public IMissingService Missing { get; } = missing;
}
