using DiffusionFramework.Abstractions;
using DiffusionFramework.Hosting;

namespace DiffusionFramework.Tests.Hosting;

/// <summary>
/// A plugin built against another contract is refused from its metadata, with the fix in the message. The
/// "other contract" is made by patching the good test plugin's AssemblyRef to DiffusionFramework.Abstractions.
/// </summary>
public sealed class ContractVersionTests : IDisposable
{
    private const string Abstractions = "DiffusionFramework.Abstractions";
    private readonly TestPluginFolders _folders = new();

    public void Dispose() => _folders.Dispose();

    [Fact]
    public void TheHostImplementsContractOnePointTwo()
    {
        // The contract version is fixed by the Abstractions project file (AssemblyVersion 1.2.0.0).
        Assert.Equal(new Version(1, 2, 0, 0), ContractVersion.Current);
        Assert.Equal(new Version(1, 2, 0, 0),
            AssemblyReferencePatcher.ReferencedVersion(TestPluginFolders.BuiltAssembly("GoodTestPlugin"), Abstractions));
    }

    [Fact]
    public void PluginBuiltAgainstANewerMajorIsRefused()
    {
        string path = _folders.Copy("GoodTestPlugin");
        AssemblyReferencePatcher.SetReferencedVersion(path, Abstractions, major: 2, minor: 0);
        Assert.Equal(new Version(2, 0, 0, 0), AssemblyReferencePatcher.ReferencedVersion(path, Abstractions));

        using DiffusionHost host = TestPluginFolders.Builder(_folders.Scratch).Build();

        Assert.Empty(host.LoadedPlugins);
        Assert.Equal(new PluginLoadFailure(path, null,
                $"plugin 'GoodTestPlugin' ({path}) was built against contract 2.0; this host implements 1.2: " +
                "rebuild the plugin against DiffusionFramework.Abstractions 1.x"),
            Assert.Single(host.Failures));
    }

    [Fact]
    public void PluginBuiltAgainstANewerMinorIsRefused()
    {
        string path = _folders.Copy("GoodTestPlugin");
        AssemblyReferencePatcher.SetReferencedVersion(path, Abstractions, major: 1, minor: 3);

        using DiffusionHost host = TestPluginFolders.Builder(_folders.Scratch).Build();

        Assert.Contains("was built against contract 1.3; this host implements 1.2", Assert.Single(host.Failures).Message);
    }

    [Theory]
    [InlineData((ushort)0)]
    [InlineData((ushort)1)]
    public void PluginBuiltAgainstAnOlderMinorLoadsAndHasNoReader(ushort minor)
    {
        // 1.1 only added members with defaults (IModality.Reader => null) and 1.2 an enum member
        // (PredictionType.Flow): 1.0 and 1.1 plugins must still load and run.
        string path = _folders.Copy("GoodTestPlugin");
        AssemblyReferencePatcher.SetReferencedVersion(path, Abstractions, major: 1, minor: minor);

        using DiffusionHost host = TestPluginFolders.Builder(_folders.Scratch).Build();

        Assert.Empty(host.Failures);
        Assert.Equal(path, Assert.Single(host.LoadedPlugins).Path);
        IModality modality = Assert.Single(host.Modalities, m => m.Name == "test-constant");
        Assert.Null(modality.Reader);
    }

    [Fact]
    public void RefusedPluginDoesNotStopACompatibleOne()
    {
        string old = _folders.Copy("GoodTestPlugin", "Incompatible");
        AssemblyReferencePatcher.SetReferencedVersion(old, Abstractions, major: 0, minor: 9);
        string good = _folders.Copy("GoodTestPlugin");

        using DiffusionHost host = TestPluginFolders.Builder(_folders.Scratch).Build();

        Assert.Contains("was built against contract 0.9", Assert.Single(host.Failures).Message);
        Assert.Equal(good, Assert.Single(host.LoadedPlugins).Path);
    }
}
