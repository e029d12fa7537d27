using DiffusionFramework.Hosting;

namespace DiffusionFramework.Tests.Hosting;

/// <summary>Broken plugin folders are reported, never fatal, and the good plugin next to them still loads.</summary>
public sealed class PluginFailureTests : IDisposable
{
    private readonly TestPluginFolders _folders = new();

    public void Dispose() => _folders.Dispose();

    [Fact]
    public void GarbageBytesAreReportedAsNotAnAssembly()
    {
        var random = new Random(1234);
        byte[] garbage = new byte[4096];
        random.NextBytes(garbage);
        string path = _folders.Write("Garbage", garbage);
        _folders.Copy("GoodTestPlugin");

        using DiffusionHost host = TestPluginFolders.Builder(_folders.Scratch).Build();

        PluginLoadFailure failure = Assert.Single(host.Failures);
        Assert.Equal(path, failure.Path);
        Assert.Null(failure.PluginId);
        Assert.StartsWith($"plugin 'Garbage' ({path}) is not a .NET assembly: ", failure.Message);
        Assert.Equal("test-good", Assert.Single(host.LoadedPlugins).Info.Id);
    }

    [Fact]
    public void EmptyAndTruncatedFilesAreNotAssemblies()
    {
        // An empty file and an "MZ" stub: both must be refused from metadata, before any load attempt.
        string empty = _folders.Write("Empty", []);
        string stub = _folders.Write("Stub", [(byte)'M', (byte)'Z', 0, 0]);

        using DiffusionHost host = TestPluginFolders.Builder(_folders.Scratch).Build();

        Assert.Equal([empty, stub], host.Failures.Select(f => f.Path).Order(StringComparer.Ordinal));
        Assert.All(host.Failures, f => Assert.Contains("is not a .NET assembly", f.Message));
    }

    [Fact]
    public void PluginFolderWithoutItsAssemblyIsReported()
    {
        string folder = Directory.CreateDirectory(Path.Combine(_folders.Scratch, "Missing")).FullName;
        File.WriteAllText(Path.Combine(folder, "Other.dll"), "not the plugin");

        using DiffusionHost host = TestPluginFolders.Builder(_folders.Scratch).Build();

        PluginLoadFailure failure = Assert.Single(host.Failures);
        Assert.Equal(Path.Combine(folder, "Missing.dll"), failure.Path);
        Assert.Contains($"plugin folder '{folder}' has no Missing.dll", failure.Message);
    }

    [Fact]
    public void MissingExtraFolderIsReported()
    {
        string absent = Path.Combine(_folders.Scratch, "absent");

        using DiffusionHost host = TestPluginFolders.Builder(absent).Build();

        Assert.Equal(new PluginLoadFailure(absent, null, $"plugin folder '{absent}' does not exist"), Assert.Single(host.Failures));
        Assert.Empty(host.LoadedPlugins);
    }

    [Fact]
    public void ExtraFolderWithNeitherAssemblyNorPluginFoldersIsReported()
    {
        string folder = Directory.CreateDirectory(Path.Combine(_folders.Scratch, "Empty")).FullName;

        using DiffusionHost host = TestPluginFolders.Builder(folder).Build();

        Assert.Contains("is not a plugin folder: it holds neither Empty.dll nor plugin folders",
            Assert.Single(host.Failures).Message);
    }

    [Fact]
    public void DotNetAssemblyThatDoesNotReferenceTheContractHasNoPlugin()
    {
        // xunit.assert.dll is a real .NET assembly that knows nothing of DiffusionFramework.
        string folder = Directory.CreateDirectory(Path.Combine(_folders.Scratch, "xunit.assert")).FullName;
        string path = Path.Combine(folder, "xunit.assert.dll");
        File.Copy(typeof(Assert).Assembly.Location, path);

        using DiffusionHost host = TestPluginFolders.Builder(_folders.Scratch).Build();

        Assert.Equal(new PluginLoadFailure(path, null,
                $"plugin 'xunit.assert' ({path}) has no IDiffusionPlugin: it does not reference DiffusionFramework.Abstractions"),
            Assert.Single(host.Failures));
    }

    [Fact]
    public void SecondPluginWithTheSameIdIsRefused()
    {
        string first = _folders.Copy("GoodTestPlugin", "AGood");
        string second = _folders.Copy("GoodTestPlugin", "BGood");

        using DiffusionHost host = TestPluginFolders.Builder(_folders.Scratch).Build();

        Assert.Equal(first, Assert.Single(host.LoadedPlugins).Path);
        Assert.Equal(new PluginLoadFailure(second, "test-good",
                $"plugin 'test-good' ({second}) was refused: id 'test-good' is already loaded from {first}"),
            Assert.Single(host.Failures));
        Assert.Single(host.Modalities);
    }
}
