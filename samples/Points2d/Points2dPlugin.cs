using DiffusionFramework.Abstractions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Points2d;

/// <summary>The plugin entry point: registers the <see cref="Points2dModality"/>.</summary>
public sealed class Points2dPlugin : IDiffusionPlugin
{
    /// <inheritdoc />
    public PluginInfo Info { get; } = new("points2d", "1.0.0", "points2d",
        "2-D toy distributions with an MLP denoiser: the engine's fast reference");

    /// <inheritdoc />
    public void ConfigureServices(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IModality, Points2dModality>());
    }
}
