using DiffusionFramework.Abstractions;
using McMaster.NETCore.Plugins;
using Microsoft.Extensions.DependencyInjection;

namespace DiffusionFramework.Hosting;

/// <summary>
/// The composed application: the service provider with the engine and the loaded plugins, and a record of what
/// was loaded, refused and disabled. Built by <see cref="DiffusionHostBuilder"/>; dispose it when done (the
/// provider disposes the singletons it created).
/// </summary>
public sealed class DiffusionHost : IDisposable
{
    private readonly ServiceProvider _provider;
    private readonly IReadOnlyList<PluginLoader> _loaders;

    internal DiffusionHost(ServiceProvider provider, IReadOnlyList<LoadedPlugin> loaded,
        IReadOnlyList<PluginLoadFailure> failures, IReadOnlyList<string> disabled, IReadOnlyList<PluginLoader> loaders)
    {
        _provider = provider;
        LoadedPlugins = loaded;
        Failures = failures;
        DisabledPlugins = disabled;
        _loaders = loaders;
    }

    /// <summary>The container: engine services, host services and every loaded plugin's services.</summary>
    public IServiceProvider Services => _provider;

    /// <summary>The plugins whose services are in <see cref="Services"/>, in load order.</summary>
    public IReadOnlyList<LoadedPlugin> LoadedPlugins { get; }

    /// <summary>The plugins found but not loaded, each with the reason and the fix.</summary>
    public IReadOnlyList<PluginLoadFailure> Failures { get; }

    /// <summary>Assemblies of plugins skipped because they were disabled.</summary>
    public IReadOnlyList<string> DisabledPlugins { get; }

    /// <summary>Every modality the loaded plugins registered.</summary>
    public IEnumerable<IModality> Modalities => _provider.GetServices<IModality>();

    /// <summary>Every task (CLI verb) the loaded plugins registered.</summary>
    public IEnumerable<IDiffusionTask> Tasks => _provider.GetServices<IDiffusionTask>();

    /// <summary>The modality named <paramref name="name"/> (case-insensitive).</summary>
    /// <exception cref="ArgumentException">No loaded plugin registers it; the message lists the ones that exist.</exception>
    /// <exception cref="InvalidOperationException">Two plugins register a modality of that name.</exception>
    public IModality GetModality(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        List<IModality> all = Modalities.ToList();
        List<IModality> matches = all.FindAll(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase));
        if (matches.Count == 1)
            return matches[0];
        if (matches.Count > 1)
            throw new InvalidOperationException(
                $"modality '{name}' is registered {matches.Count} times (by " +
                $"{string.Join(", ", matches.Select(m => m.GetType().Assembly.GetName().Name))}): disable all but one plugin");

        string known = all.Count == 0 ? "none" : string.Join(", ", all.Select(m => m.Name).Order(StringComparer.Ordinal));
        string failed = Failures.Count == 0 ? "" :
            $"; {Failures.Count} plugin(s) failed to load: {string.Join(", ", Failures.Select(f => f.PluginId ?? Path.GetFileName(f.Path)))}";
        throw new ArgumentException($"unknown modality '{name}'; loaded modalities: {known}{failed}", nameof(name));
    }

    /// <summary>The loaded plugin whose assembly defines <paramref name="modality"/>.</summary>
    /// <exception cref="InvalidOperationException">The modality was registered by the host itself, not a plugin.</exception>
    public PluginInfo PluginOf(IModality modality)
    {
        ArgumentNullException.ThrowIfNull(modality);
        string location = Path.GetFullPath(modality.GetType().Assembly.Location);
        LoadedPlugin? owner = LoadedPlugins.FirstOrDefault(p =>
            string.Equals(Path.GetFullPath(p.Path), location, StringComparison.Ordinal));
        return owner?.Info ?? throw new InvalidOperationException(
            $"modality '{modality.Name}' ({modality.GetType().FullName}) was not registered by a loaded plugin");
    }

    /// <summary>Disposes the service provider (and the singletons it created), then the plugin loaders.</summary>
    public void Dispose()
    {
        _provider.Dispose();
        foreach (PluginLoader loader in _loaders)
            loader.Dispose();
    }
}
