using DiffusionFramework.Hosting;

namespace DiffusionFramework.Tests.Hosting;

/// <summary>
/// The test plugins (tests/TestPlugins, copied to the output's test-plugins/ folder) and a scratch folder for
/// plugins made at test time. Deletes the scratch folder when disposed.
/// </summary>
internal sealed class TestPluginFolders : IDisposable
{
    /// <summary>The folder of test plugin folders in the test output.</summary>
    public static string Built { get; } = Path.Combine(AppContext.BaseDirectory, "test-plugins");

    /// <summary>The assembly of the built test plugin <paramref name="name"/>.</summary>
    public static string BuiltAssembly(string name) => Path.Combine(Built, name, name + ".dll");

    /// <summary>A fresh, empty folder for this test's plugins.</summary>
    public string Scratch { get; } = Directory.CreateDirectory(
        Path.Combine(Path.GetTempPath(), "df-hosting-tests", Guid.NewGuid().ToString("N"))).FullName;

    /// <summary>A builder that searches only the given folders (not the test output's plugins/ folder).</summary>
    public static DiffusionHostBuilder Builder(params string[] folders)
    {
        var builder = new DiffusionHostBuilder { PluginsFolder = null };
        foreach (string folder in folders)
            builder.AddPluginFolder(folder);
        return builder;
    }

    /// <summary>
    /// Copies the built plugin <paramref name="name"/> to <c>Scratch/&lt;as&gt;/&lt;as&gt;.dll</c> (with its deps.json);
    /// returns the new assembly path.
    /// </summary>
    public string Copy(string name, string? @as = null)
    {
        @as ??= name;
        string folder = Directory.CreateDirectory(Path.Combine(Scratch, @as)).FullName;
        File.Copy(BuiltAssembly(name), Path.Combine(folder, @as + ".dll"));
        File.Copy(Path.Combine(Built, name, name + ".deps.json"), Path.Combine(folder, @as + ".deps.json"));
        return Path.Combine(folder, @as + ".dll");
    }

    /// <summary>Writes <paramref name="bytes"/> as <c>Scratch/&lt;name&gt;/&lt;name&gt;.dll</c>; returns its path.</summary>
    public string Write(string name, byte[] bytes)
    {
        string path = Path.Combine(Directory.CreateDirectory(Path.Combine(Scratch, name)).FullName, name + ".dll");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public void Dispose() => Directory.Delete(Scratch, recursive: true);
}
