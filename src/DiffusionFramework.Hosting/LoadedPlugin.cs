using DiffusionFramework.Abstractions;

namespace DiffusionFramework.Hosting;

/// <summary>A plugin whose services are part of the host's container.</summary>
/// <param name="Info">What the plugin says about itself.</param>
/// <param name="Path">The plugin assembly it was loaded from.</param>
public sealed record LoadedPlugin(PluginInfo Info, string Path);
