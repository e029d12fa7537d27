namespace DiffusionFramework.Hosting;

/// <summary>
/// Finds plugin assemblies on disk. A plugin folder <c>&lt;Name&gt;/</c> holds <c>&lt;Name&gt;.dll</c>; a plugins folder
/// holds plugin folders. Nothing is loaded here.
/// </summary>
internal static class PluginDiscovery
{
    /// <summary>
    /// The plugin assemblies under <paramref name="pluginsFolder"/> (a folder of plugin folders; may be absent or
    /// null) and under each of <paramref name="extraFolders"/> (each a plugin folder or a folder of plugin folders),
    /// in that order, each path once. Folders that should hold a plugin and do not are added to
    /// <paramref name="failures"/>.
    /// </summary>
    internal static IReadOnlyList<string> FindAssemblies(string? pluginsFolder, IEnumerable<string> extraFolders,
        ICollection<PluginLoadFailure> failures)
    {
        var found = new List<string>();
        if (pluginsFolder is not null && Directory.Exists(pluginsFolder))
            AddPluginFolders(Path.GetFullPath(pluginsFolder), found, failures);

        foreach (string extra in extraFolders)
        {
            string folder = Path.TrimEndingDirectorySeparator(Path.GetFullPath(extra));
            string assembly = AssemblyOf(folder);
            if (!Directory.Exists(folder))
                failures.Add(new(folder, null, $"plugin folder '{folder}' does not exist"));
            else if (File.Exists(assembly))
                found.Add(assembly);
            else if (!AddPluginFolders(folder, found, failures))
                failures.Add(new(folder, null,
                    $"'{folder}' is not a plugin folder: it holds neither {Path.GetFileName(assembly)} nor plugin " +
                    "folders (<Name>/<Name>.dll)"));
        }

        return found.Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>The assembly a plugin folder must hold: <c>&lt;folder&gt;/&lt;folder name&gt;.dll</c>.</summary>
    private static string AssemblyOf(string folder) => Path.Combine(folder, Path.GetFileName(folder) + ".dll");

    /// <summary>
    /// Adds the assembly of each sub-folder of <paramref name="root"/>; false when it has none (an unreadable
    /// folder is reported here, so it counts as having some).
    /// </summary>
    private static bool AddPluginFolders(string root, List<string> found, ICollection<PluginLoadFailure> failures)
    {
        string[] folders;
        try
        {
            folders = Directory.GetDirectories(root);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            failures.Add(new(root, null, $"plugins folder '{root}' cannot be read: {e.Message}"));
            return true;
        }

        Array.Sort(folders, StringComparer.Ordinal);
        foreach (string folder in folders)
        {
            string assembly = AssemblyOf(folder);
            if (File.Exists(assembly))
                found.Add(assembly);
            else
                failures.Add(new(assembly, null,
                    $"plugin folder '{folder}' has no {Path.GetFileName(assembly)}: a plugin's assembly must be " +
                    "named like its folder"));
        }

        return folders.Length > 0;
    }
}
