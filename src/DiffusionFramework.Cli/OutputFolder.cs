namespace DiffusionFramework.Cli;

/// <summary>Output folders that never take over a folder the user already filled.</summary>
public static class OutputFolder
{
    /// <summary>
    /// Checks that <paramref name="path"/> may receive output and returns its full path, creating nothing, so that a
    /// command which fails before writing leaves no folder behind. An existing, non-empty folder is refused unless
    /// <paramref name="allowExisting"/> (its files are then kept, and only files of the same name are replaced).
    /// </summary>
    /// <param name="path">The folder the user named.</param>
    /// <param name="allowExisting">Whether an existing, non-empty folder may be written into.</param>
    /// <param name="optionName">The option that named the folder, for the message.</param>
    /// <param name="reuseOption">The option that allows reusing the folder, for the message.</param>
    /// <exception cref="IOException">The path is a file, or a non-empty folder that may not be reused; the message says
    /// how to proceed.</exception>
    public static string Check(string path, bool allowExisting, string optionName, string reuseOption = "--overwrite")
    {
        string full = Path.GetFullPath(path);
        if (File.Exists(full))
            throw new IOException($"{optionName} '{path}' is a file, not a folder.");
        if (Directory.Exists(full) && Directory.EnumerateFileSystemEntries(full).Any() && !allowExisting)
            throw new IOException($"{optionName} '{path}' already exists and is not empty; choose another folder or pass {reuseOption}.");
        return full;
    }

    /// <summary><see cref="Check"/>, then creates the folder if needed; returns its full path.</summary>
    /// <exception cref="IOException">As <see cref="Check"/>.</exception>
    public static string Prepare(string path, bool allowExisting, string optionName) =>
        Directory.CreateDirectory(Check(path, allowExisting, optionName)).FullName;
}
