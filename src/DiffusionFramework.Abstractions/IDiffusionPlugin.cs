using Microsoft.Extensions.DependencyInjection;

namespace DiffusionFramework.Abstractions;

/// <summary>
/// The entry point of a plugin. The host finds one public, parameterless implementation in
/// <c>plugins/&lt;Name&gt;/&lt;Name&gt;.dll</c> and calls <see cref="ConfigureServices"/> once.
/// </summary>
/// <remarks>
/// Register modalities and tasks with <c>TryAddEnumerable</c> so that several plugins can add theirs:
/// <code>services.TryAddEnumerable(ServiceDescriptor.Singleton&lt;IModality, MyModality&gt;());</code>
/// </remarks>
public interface IDiffusionPlugin
{
    /// <summary>Who this plugin is: id, version, modality and a one-line description.</summary>
    PluginInfo Info { get; }

    /// <summary>Adds the plugin's modalities, tasks and other services to the host's container.</summary>
    void ConfigureServices(IServiceCollection services);
}
