namespace DiffusionFramework.Core.Checkpoints;

/// <summary>
/// Builds a folder next to its destination and swaps it into place, so that the destination always holds either the
/// complete old content or the complete new one.
/// </summary>
/// <remarks>
/// The new folder is written as <c>.&lt;name&gt;.saving-&lt;id&gt;</c> beside the destination. If the destination exists it is
/// renamed to <c>.&lt;name&gt;.replaced-&lt;id&gt;</c>, the new folder is renamed in, and only then is the old one deleted.
/// Renames within one parent folder are atomic, so a crash at any point leaves the previous content intact, either
/// in place or (between the two renames) under the <c>.replaced-</c> name, which <see cref="Missing"/> reports.
/// </remarks>
internal static class CheckpointFolder
{
    /// <summary>Writes a complete folder through <paramref name="fill"/>, then moves it to <paramref name="destination"/>.</summary>
    /// <param name="destination">The folder to create or replace.</param>
    /// <param name="mayReplace">Whether an existing non-empty destination may be replaced; returns the refusal reason otherwise.</param>
    /// <param name="fill">Writes the content into the temporary folder it is given.</param>
    public static void Write(string destination, Func<string, string?> mayReplace, Action<string> fill)
    {
        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(destination));
        string parent = Path.GetDirectoryName(full)
                        ?? throw new ArgumentException($"'{destination}' is a root folder, not a checkpoint folder");
        string name = Path.GetFileName(full);
        if (File.Exists(full))
            throw new IOException($"{full}: is a file, not a checkpoint folder");
        if (Directory.Exists(full) && Directory.EnumerateFileSystemEntries(full).Any() && mayReplace(full) is { } refusal)
            throw new IOException($"{full}: refusing to replace it: {refusal}");

        Directory.CreateDirectory(parent);
        string id = Guid.NewGuid().ToString("N");
        string temp = Path.Combine(parent, $".{name}.saving-{id}");
        try
        {
            Directory.CreateDirectory(temp);
            fill(temp);
            if (!Directory.Exists(full))
            {
                Directory.Move(temp, full);
                return;
            }
            string backup = Path.Combine(parent, $".{name}.replaced-{id}");
            Directory.Move(full, backup);
            try
            {
                Directory.Move(temp, full);
            }
            catch
            {
                Directory.Move(backup, full);
                throw;
            }
            DeleteBackup(backup);
        }
        finally
        {
            if (Directory.Exists(temp))
                Directory.Delete(temp, recursive: true);
        }
    }

    /// <summary>Deletes the replaced content; the new content is already in place, so a failure here only leaves litter.</summary>
    private static void DeleteBackup(string backup)
    {
        try
        {
            Directory.Delete(backup, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The save itself succeeded; the hidden .replaced- folder can be removed by hand.
        }
    }

    /// <summary>The error for a folder that does not exist, naming any previous content an interrupted save left aside.</summary>
    public static DirectoryNotFoundException Missing(string folder)
    {
        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        string? parent = Path.GetDirectoryName(full);
        string? backup = parent is not null && Directory.Exists(parent)
            ? Directory.EnumerateDirectories(parent, $".{Path.GetFileName(full)}.replaced-*").FirstOrDefault()
            : null;
        return new DirectoryNotFoundException(backup is null
            ? $"{folder}: checkpoint folder does not exist"
            : $"{folder}: checkpoint folder does not exist; an interrupted save left the previous checkpoint in {backup}");
    }
}
