using Microsoft.Extensions.DependencyInjection;

namespace DiffusionFramework.Hosting;

/// <summary>
/// Composes a <see cref="DiffusionHost"/>: the engine's services (<see cref="DiffusionServiceCollectionExtensions.AddDiffusionCore"/>),
/// the host's own services, then every plugin found in the plugins folder and in the extra folders.
/// </summary>
/// <remarks>
/// A plugin lives in <c>&lt;folder&gt;/&lt;Name&gt;/&lt;Name&gt;.dll</c>. A plugin that cannot be loaded is recorded in
/// <see cref="DiffusionHost.Failures"/> and leaves nothing in the container; the others still load.
/// <code>
/// using DiffusionHost host = new DiffusionHostBuilder().AddPluginFolder("~/my-plugins").DisablePlugin("audio").Build();
/// IModality points = host.GetModality("points2d");
/// </code>
/// </remarks>
public sealed class DiffusionHostBuilder
{
    private readonly List<string> _pluginFolders = [];
    private readonly HashSet<string> _disabled = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<Action<IServiceCollection>> _configure = [];

    /// <summary>The host application's own plugins folder: <c>&lt;AppContext.BaseDirectory&gt;/plugins</c>.</summary>
    public static string DefaultPluginsFolder => Path.Combine(AppContext.BaseDirectory, "plugins");

    /// <summary>
    /// The folder of plugin folders searched first; <see cref="DefaultPluginsFolder"/> unless set. Null searches
    /// only the extra folders. A missing folder means no plugins, not an error.
    /// </summary>
    public string? PluginsFolder { get; set; } = DefaultPluginsFolder;

    /// <summary>
    /// Adds a folder to search after <see cref="PluginsFolder"/>: either one plugin folder (it holds
    /// <c>&lt;folder name&gt;.dll</c>) or a folder of plugin folders. A folder that is neither is reported as a failure.
    /// </summary>
    public DiffusionHostBuilder AddPluginFolder(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        _pluginFolders.Add(folder);
        return this;
    }

    /// <summary>
    /// Skips the plugin whose id (<see cref="Abstractions.PluginInfo.Id"/>) or folder name is
    /// <paramref name="idOrName"/>, case-insensitively. A plugin skipped by folder name runs no code at all.
    /// </summary>
    public DiffusionHostBuilder DisablePlugin(string idOrName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(idOrName);
        _disabled.Add(idOrName);
        return this;
    }

    /// <summary>Adds host services; runs after the engine's and before the plugins', in the order given.</summary>
    public DiffusionHostBuilder ConfigureServices(Action<IServiceCollection> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        _configure.Add(configure);
        return this;
    }

    /// <summary>Discovers and loads the plugins and builds the service provider.</summary>
    /// <exception cref="InvalidOperationException">The host's own services (not a plugin's) cannot be constructed.</exception>
    public DiffusionHost Build()
    {
        var services = new ServiceCollection();
        services.AddDiffusionCore();
        foreach (Action<IServiceCollection> configure in _configure)
            configure(services);
        if (PluginComposer.ValidationProblem(services) is { } problem)
            throw new InvalidOperationException($"the host's services cannot be constructed: {problem}");

        var composer = new PluginComposer(services, _disabled);
        foreach (string path in PluginDiscovery.FindAssemblies(PluginsFolder, _pluginFolders, composer.Failures))
            composer.Add(path);

        ServiceProvider provider = services.BuildServiceProvider(
            new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        return new DiffusionHost(provider, composer.Loaded, composer.Failures, composer.Disabled, composer.Loaders);
    }
}
