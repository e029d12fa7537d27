using DiffusionFramework.Abstractions;
using Microsoft.Extensions.DependencyInjection;

namespace NoEntryTestPlugin;

/// <summary>Uses the contract but offers the host no entry point: this one is abstract ...</summary>
public abstract class AbstractPlugin : IDiffusionPlugin
{
    public PluginInfo Info { get; } = new("test-abstract", "1.0.0", "test", "Abstract: not an entry point.");

    public abstract void ConfigureServices(IServiceCollection services);
}

/// <summary>... and this one is not public.</summary>
internal sealed class HiddenPlugin : AbstractPlugin
{
    public override void ConfigureServices(IServiceCollection services) { }
}
