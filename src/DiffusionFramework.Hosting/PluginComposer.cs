using DiffusionFramework.Abstractions;
using McMaster.NETCore.Plugins;
using Microsoft.Extensions.DependencyInjection;

namespace DiffusionFramework.Hosting;

/// <summary>
/// Adds plugins to a service collection one at a time. Each plugin configures a scratch copy of the collection,
/// which replaces the real one only if the plugin succeeds, so a failing plugin leaves no registration behind.
/// </summary>
/// <param name="services">The host's collection (engine and host services already in it).</param>
/// <param name="disabled">Plugin ids or folder names to skip (case-insensitive).</param>
internal sealed class PluginComposer(IServiceCollection services, IReadOnlySet<string> disabled)
{
    /// <summary>Plugins whose services were added.</summary>
    public List<LoadedPlugin> Loaded { get; } = [];

    /// <summary>Plugins that were refused or failed.</summary>
    public List<PluginLoadFailure> Failures { get; } = [];

    /// <summary>Assemblies of plugins skipped because the user disabled them.</summary>
    public List<string> Disabled { get; } = [];

    /// <summary>Loaders of the loaded plugins; they live as long as the host.</summary>
    public List<PluginLoader> Loaders { get; } = [];

    /// <summary>Loads every plugin in the assembly at <paramref name="path"/>, recording what fails.</summary>
    public void Add(string path)
    {
        string name = Path.GetFileNameWithoutExtension(path);
        if (disabled.Contains(name))
        {
            Disabled.Add(path);
            return;
        }

        if (PluginContract.Refusal(name, path) is { } refusal)
        {
            Failures.Add(new(path, null, refusal));
            return;
        }

        PluginLoader loader;
        IReadOnlyList<Type> types;
        try
        {
            loader = PluginActivation.CreateLoader(path);
            types = PluginActivation.PluginTypes(loader.LoadDefaultAssembly());
        }
        catch (Exception e)
        {
            Failures.Add(new(path, null, $"plugin '{name}' ({path}) could not be loaded: {PluginActivation.Describe(e)}"));
            return;
        }

        if (types.Count == 0)
        {
            Failures.Add(new(path, null,
                $"plugin '{name}' ({path}) has no IDiffusionPlugin: no public, non-abstract class implements it"));
            loader.Dispose();
            return;
        }

        int before = Loaded.Count;
        foreach (Type type in types)
            AddPlugin(name, path, type);
        if (Loaded.Count > before)
            Loaders.Add(loader);
        else
            loader.Dispose();
    }

    /// <summary>Why the services cannot all be constructed, or null when they can (nothing is instantiated).</summary>
    public static string? ValidationProblem(IServiceCollection collection)
    {
        try
        {
            using ServiceProvider provider = collection.BuildServiceProvider(
                new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
            return null;
        }
        catch (AggregateException e)
        {
            return string.Join("; ", e.InnerExceptions.Select(x => x.Message));
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return e.Message;
        }
    }

    private void AddPlugin(string name, string path, Type type)
    {
        string where = $"plugin '{name}' ({path})";
        if (type.GetConstructor(Type.EmptyTypes) is null)
        {
            Failures.Add(new(path, null, $"{where}: {type.FullName} has no public parameterless constructor"));
            return;
        }

        IDiffusionPlugin plugin;
        PluginInfo? info;
        try
        {
            plugin = (IDiffusionPlugin)Activator.CreateInstance(type)!;
            info = plugin.Info;
        }
        catch (Exception e)
        {
            Failures.Add(new(path, null, $"{where}: {type.FullName} threw while starting: {PluginActivation.Describe(e)}"));
            return;
        }

        if (string.IsNullOrWhiteSpace(info?.Id))
        {
            Failures.Add(new(path, null, $"{where}: {type.FullName} has no id (PluginInfo.Id is empty)"));
            return;
        }

        AddConfigured(plugin, info, path);
    }

    private void AddConfigured(IDiffusionPlugin plugin, PluginInfo info, string path)
    {
        string where = $"plugin '{info.Id}' ({path})";
        if (disabled.Contains(info.Id))
        {
            Disabled.Add(path);
            return;
        }

        if (Loaded.Find(p => string.Equals(p.Info.Id, info.Id, StringComparison.OrdinalIgnoreCase)) is { } first)
        {
            Failures.Add(new(path, info.Id, $"{where} was refused: id '{info.Id}' is already loaded from {first.Path}"));
            return;
        }

        IServiceCollection scratch = new ServiceCollection();
        foreach (ServiceDescriptor descriptor in services)
            scratch.Add(descriptor);
        try
        {
            plugin.ConfigureServices(scratch);
        }
        catch (Exception e)
        {
            Failures.Add(new(path, info.Id, $"{where} failed in ConfigureServices: {PluginActivation.Describe(e)}"));
            return;
        }

        if (ValidationProblem(scratch) is { } problem)
        {
            Failures.Add(new(path, info.Id, $"{where} registered services that cannot be constructed: {problem}"));
            return;
        }

        services.Clear();
        foreach (ServiceDescriptor descriptor in scratch)
            services.Add(descriptor);
        Loaded.Add(new(info, path));
    }
}
