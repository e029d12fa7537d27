using Microsoft.Extensions.DependencyInjection;

namespace DiffusionFramework.Hosting;

/// <summary>Registers the engine's services in a container.</summary>
public static class DiffusionServiceCollectionExtensions
{
    /// <summary>
    /// Adds the modality-agnostic engine services that every host and plugin can rely on. This is the one place
    /// where Core's services are registered: each is added with <c>TryAdd</c>/<c>TryAddEnumerable</c>, so the call
    /// is idempotent and a host's earlier registration of a service wins.
    /// </summary>
    /// <remarks>
    /// The engine has no registered services yet; Core's sampler registry and its built-in samplers join here as
    /// they land. <see cref="DiffusionHostBuilder"/> calls this before any plugin configures its services.
    /// </remarks>
    /// <param name="services">The container being composed.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    public static IServiceCollection AddDiffusionCore(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        return services;
    }
}
