namespace DiffusionFramework.Core.IO;

/// <summary>
/// Writes a file so that readers see either the old content or the complete new one: the content goes to a temporary
/// file in the same folder, is flushed to disk, and is then renamed over the destination.
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>; on failure the destination is untouched.</summary>
    /// <param name="path">The destination file.</param>
    /// <param name="write">Writes the content.</param>
    /// <param name="overwrite">Replace an existing destination; when false the final rename refuses to (no race with a
    /// file created meanwhile) and the temporary file is removed.</param>
    /// <exception cref="IOException">The destination exists and <paramref name="overwrite"/> is false.</exception>
    public static void Write(string path, Action<Stream> write, bool overwrite = true)
    {
        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(folder);
        string temp = Path.Combine(folder, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }
}
