namespace DiffusionFramework.Hosting;

/// <summary>A plugin the host found but did not load; the host and the other plugins keep working.</summary>
/// <param name="Path">The plugin assembly (or the folder that should have held one).</param>
/// <param name="PluginId">The plugin's id when it got far enough to say it, otherwise null.</param>
/// <param name="Message">What went wrong and how to fix it; names the plugin and the path.</param>
public sealed record PluginLoadFailure(string Path, string? PluginId, string Message);
