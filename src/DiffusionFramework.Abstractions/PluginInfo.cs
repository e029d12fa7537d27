namespace DiffusionFramework.Abstractions;

/// <summary>Describes a plugin.</summary>
/// <param name="Id">Stable identifier, lower case (e.g. <c>points2d</c>); stored in checkpoints.</param>
/// <param name="Version">The plugin's own version (semantic versioning).</param>
/// <param name="Modality">The kind of data it handles (e.g. <c>image</c>, <c>audio</c>, <c>points</c>).</param>
/// <param name="Description">One line for <c>diffusion plugins</c>.</param>
public sealed record PluginInfo(string Id, string Version, string Modality, string Description);
