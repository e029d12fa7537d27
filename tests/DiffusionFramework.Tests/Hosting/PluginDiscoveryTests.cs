using DiffusionFramework.Hosting;

namespace DiffusionFramework.Tests.Hosting;

/// <summary>Where the host looks for plugins and which ones it skips.</summary>
public sealed class PluginDiscoveryTests : IDisposable
{
    private readonly TestPluginFolders _folders = new();

    public void Dispose() => _folders.Dispose();

    [Fact]
    public void DefaultFolderIsThePluginsFolderNextToTheHost()
    {
        Assert.Equal(Path.Combine(AppContext.BaseDirectory, "plugins"), DiffusionHostBuilder.DefaultPluginsFolder);
        Assert.Equal(DiffusionHostBuilder.DefaultPluginsFolder, new DiffusionHostBuilder().PluginsFolder);
    }

    [Fact]
    public void Points2dPluginIsDiscoveredInTheDefaultFolder()
    {
        string points2d = Path.Combine(AppContext.BaseDirectory, "plugins", "Points2d", "Points2d.dll");
        Assert.True(File.Exists(points2d), $"the build did not copy Points2d to {points2d}");

        using DiffusionHost host = new DiffusionHostBuilder().Build();

        LoadedPlugin? loaded = host.LoadedPlugins.SingleOrDefault(p => p.Path == points2d);
        PluginLoadFailure? failed = host.Failures.SingleOrDefault(f => f.Path == points2d);
        Assert.True(loaded is null != failed is null, "Points2d must be either loaded or reported, once");
        if (failed is not null)
            Assert.StartsWith($"plugin 'Points2d' ({points2d}) has no IDiffusionPlugin", failed.Message); // not written yet
        else
            Assert.Equal("points2d", loaded!.Info.Id);
        Assert.DoesNotContain(host.LoadedPlugins.Concat<object>(host.Failures),
            x => x.ToString()!.Contains("test-plugins", StringComparison.Ordinal));
    }

    [Fact]
    public void ExtraFolderMayBeASinglePluginFolder()
    {
        using DiffusionHost host = TestPluginFolders.Builder(Path.Combine(TestPluginFolders.Built, "GoodTestPlugin") + "/")
            .Build();

        Assert.Empty(host.Failures);
        Assert.Equal(TestPluginFolders.BuiltAssembly("GoodTestPlugin"), Assert.Single(host.LoadedPlugins).Path);
    }

    [Fact]
    public void SamePluginFolderNamedTwiceLoadsOnce()
    {
        string folder = Path.Combine(TestPluginFolders.Built, "GoodTestPlugin");

        using DiffusionHost host = TestPluginFolders.Builder(folder, folder).Build();

        Assert.Empty(host.Failures);
        Assert.Single(host.LoadedPlugins);
    }

    [Theory]
    [InlineData("test-good")]
    [InlineData("TEST-GOOD")]
    public void PluginDisabledByIdIsNotLoaded(string id)
    {
        string path = _folders.Copy("GoodTestPlugin");

        using DiffusionHost host = TestPluginFolders.Builder(_folders.Scratch).DisablePlugin(id).Build();

        Assert.Empty(host.LoadedPlugins);
        Assert.Empty(host.Failures);
        Assert.Equal([path], host.DisabledPlugins);
        Assert.Empty(host.Modalities);
    }

    [Fact]
    public void PluginDisabledByFolderNameIsNotEvenInspected()
    {
        // Garbage would be reported if the host read it; disabled, it is skipped silently.
        string garbage = _folders.Write("Broken", [1, 2, 3]);
        _folders.Copy("GoodTestPlugin");

        using DiffusionHost host = TestPluginFolders.Builder(_folders.Scratch).DisablePlugin("broken").Build();

        Assert.Empty(host.Failures);
        Assert.Equal([garbage], host.DisabledPlugins);
        Assert.Equal("test-good", Assert.Single(host.LoadedPlugins).Info.Id);
    }
}
