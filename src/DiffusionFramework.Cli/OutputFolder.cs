namespace DiffusionFramework.Cli;

/// <summary>Output folders that never take over a folder the user already filled.</summary>
public static class OutputFolder
{
    /// <summary>
    /// Creates <paramref name="path"/> if needed and returns its full path. An existing, non-empty folder is refused
    /// unless <paramref name="allowExisting"/> (its files are then kept, and only files of the same name are replaced).
    /// </summary>
    /// <exception cref="IOException">The folder exists, is not empty and may not be reused; the message says how to proceed.</exception>
    public static string Prepare(string path, bool allowExisting, string optionName)
    {
        string full = Path.GetFullPath(path);
        if (File.Exists(full))
            throw new IOException($"{optionName} '{path}' is a file, not a folder.");
        if (Directory.Exists(full) && Directory.EnumerateFileSystemEntries(full).Any() && !allowExisting)
            throw new IOException($"{optionName} '{path}' already exists and is not empty; choose another folder or pass --overwrite.");
        Directory.CreateDirectory(full);
        return full;
    }
}
