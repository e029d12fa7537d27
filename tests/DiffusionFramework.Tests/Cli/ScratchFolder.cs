using System.Security.Cryptography;

namespace DiffusionFramework.Tests.Cli;

/// <summary>A fresh temporary folder, deleted when disposed.</summary>
internal sealed class ScratchFolder : IDisposable
{
    public string Path { get; } = Directory.CreateDirectory(
        System.IO.Path.Combine(System.IO.Path.GetTempPath(), "df-cli-tests", Guid.NewGuid().ToString("N"))).FullName;

    /// <summary>A path inside the folder (nothing is created).</summary>
    public string this[string name] => System.IO.Path.Combine(Path, name);

    /// <summary>Copies the folder <paramref name="source"/> (recursively) to <c>this[name]</c>; returns the copy's path.</summary>
    public string CopyFolder(string source, string name)
    {
        string destination = this[name];
        foreach (string dir in Directory.EnumerateDirectories(source, "*", SearchOption.AllDirectories).Prepend(source))
            Directory.CreateDirectory(System.IO.Path.Combine(destination, System.IO.Path.GetRelativePath(source, dir)));
        foreach (string file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
            File.Copy(file, System.IO.Path.Combine(destination, System.IO.Path.GetRelativePath(source, file)));
        return destination;
    }

    public void Dispose()
    {
        if (Directory.Exists(Path))
            Directory.Delete(Path, recursive: true);
    }

    /// <summary>Every entry under <paramref name="folder"/>: relative path → SHA-256 of the file, or "dir".</summary>
    public static SortedDictionary<string, string> Snapshot(string folder)
    {
        var entries = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (string dir in Directory.EnumerateDirectories(folder, "*", SearchOption.AllDirectories))
            entries[System.IO.Path.GetRelativePath(folder, dir)] = "dir";
        foreach (string file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
            entries[System.IO.Path.GetRelativePath(folder, file)] = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file)));
        return entries;
    }
}
