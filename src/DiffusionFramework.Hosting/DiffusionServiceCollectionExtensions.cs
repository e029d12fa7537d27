using DiffusionFramework.Core.Sampling;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

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
    /// Registers the built-in samplers as <see cref="ISampler"/> and a <see cref="SamplerRegistry"/> over every
    /// registered <see cref="ISampler"/>, so a plugin adds a sampler with
    /// <c>services.TryAddEnumerable(ServiceDescriptor.Singleton&lt;ISampler, MySampler&gt;())</c>.
    /// <see cref="DiffusionHostBuilder"/> calls this before any plugin configures its services.
    /// </remarks>
    /// <param name="services">The container being composed.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    public static IServiceCollection AddDiffusionCore(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        foreach (ISampler sampler in SamplerRegistry.BuiltIn.Samplers)
            services.TryAddEnumerable(ServiceDescriptor.Singleton(typeof(ISampler), sampler));
        services.TryAddSingleton<SamplerRegistry>();
        return services;
    }
}
