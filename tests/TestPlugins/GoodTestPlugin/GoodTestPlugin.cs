using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Sampling;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace GoodTestPlugin;

/// <summary>A well-behaved plugin: one modality, one task, one sampler.</summary>
public sealed class GoodTestPlugin : IDiffusionPlugin
{
    public PluginInfo Info { get; } = new("test-good", "1.2.3", "test", "Well-behaved plugin for the Hosting tests.");

    public void ConfigureServices(IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IModality, ConstantModality>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDiffusionTask, EchoTask>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISampler, PluginSampler>());
    }
}
