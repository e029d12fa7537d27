using System.Runtime.Loader;
using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Sampling;
using DiffusionFramework.Hosting;
using Microsoft.Extensions.DependencyInjection;
using TorchSharp;

namespace DiffusionFramework.Tests.Hosting;

/// <summary>The test plugins load from an extra folder, and the good one works through the contract.</summary>
public sealed class PluginLoadingTests : IDisposable
{
    private readonly DiffusionHost _host = TestPluginFolders.Builder(TestPluginFolders.Built).Build();

    public void Dispose() => _host.Dispose();

    [Fact]
    public void GoodPluginLoadsAndItsModalityResolves()
    {
        LoadedPlugin good = Assert.Single(_host.LoadedPlugins);
        Assert.Equal(new PluginInfo("test-good", "1.2.3", "test", "Well-behaved plugin for the Hosting tests."), good.Info);
        Assert.Equal(TestPluginFolders.BuiltAssembly("GoodTestPlugin"), good.Path);

        IModality modality = _host.GetModality("test-constant");
        Assert.Equal("test-constant", Assert.Single(_host.Modalities).Name);
        Assert.Equal([3L], modality.SampleShape(modality.DefaultNetworkConfig()));
        Assert.Same(modality, _host.GetModality("TEST-Constant"));
    }

    [Fact]
    public void PluginTypesLiveInTheirOwnLoadContext()
    {
        IModality modality = _host.GetModality("test-constant");
        Assert.NotSame(AssemblyLoadContext.Default, AssemblyLoadContext.GetLoadContext(modality.GetType().Assembly));
        Assert.Same(AssemblyLoadContext.Default, AssemblyLoadContext.GetLoadContext(typeof(IModality).Assembly));
    }

    [Fact]
    public void TorchSharpTypesAreSharedWithThePlugin()
    {
        IModality modality = _host.GetModality("test-constant");
        var pluginTensorType = (Type)modality.GetType().GetProperty("TensorType")!.GetValue(modality)!;
        Assert.Same(typeof(torch.Tensor), pluginTensorType);

        using torch.Tensor noise = modality.NoiseSampler.Sample([2, 3], torch.ScalarType.Float32, torch.CPU, null, null);
        Assert.Equal([2L, 3L], noise.shape);
        Assert.Equal(6 * 1.5f, noise.sum().item<float>());
    }

    [Fact]
    public void PluginShippingItsOwnCopiesOfSharedAssembliesStillGetsTheHosts()
    {
        // A carelessly built plugin carries TorchSharp, the contract, the engine and DI abstractions in its folder;
        // loaded from there, its Tensor and IDiffusionPlugin would be other types than the host's (and it would not load).
        using var folders = new TestPluginFolders();
        string plugin = folders.Copy("GoodTestPlugin");
        foreach (Type shared in new[] { typeof(torch), typeof(IDiffusionPlugin), typeof(SamplerRegistry), typeof(IServiceCollection) })
            File.Copy(shared.Assembly.Location, Path.Combine(Path.GetDirectoryName(plugin)!, Path.GetFileName(shared.Assembly.Location)));

        using DiffusionHost host = TestPluginFolders.Builder(folders.Scratch).Build();

        Assert.Empty(host.Failures);
        IModality modality = host.GetModality("test-constant");
        Assert.Same(typeof(torch.Tensor), modality.GetType().GetProperty("TensorType")!.GetValue(modality));
        using torch.Tensor noise = modality.NoiseSampler.Sample([4], torch.ScalarType.Float32, torch.CPU, null, null);
        Assert.Equal(6f, noise.sum().item<float>());
    }

    [Fact]
    public void PluginSamplerJoinsTheEngineRegistry()
    {
        // The plugin implements Core's ISampler: only possible if the plugin sees the host's Core.
        var registry = _host.Services.GetRequiredService<SamplerRegistry>();
        ISampler sampler = registry.Get("TestPluginScheduler");
        Assert.Equal("test-sampler", sampler.Name);
        Assert.Equal(SamplerRegistry.BuiltIn.Names.Append("test-sampler"), registry.Names);
        Assert.Same(typeof(ISampler).Assembly, sampler.GetType().GetInterface(nameof(ISampler))!.Assembly);
    }

    [Fact]
    public void PluginTaskRunsThroughTheContract()
    {
        IDiffusionTask task = Assert.Single(_host.Tasks);
        Assert.Equal(("test-echo", "test-constant"), (task.Name, task.Modality));
        var output = new StringWriter();
        int exit = task.Run(new TaskInvocation(new Dictionary<string, string> { ["text"] = "abc" }, _host.Services, output),
            CancellationToken.None);
        Assert.Equal(7, exit);
        Assert.Equal("echo: abc" + Environment.NewLine, output.ToString());
    }

    [Fact]
    public void ThrowingPluginsAreReportedWithTheirMessagesAndLeaveNoServices()
    {
        string faulty = TestPluginFolders.BuiltAssembly("FaultyTestPlugin");
        PluginLoadFailure configure = Assert.Single(_host.Failures, f => f.PluginId == "test-configure-throws");
        Assert.Equal(faulty, configure.Path);
        Assert.Contains("failed in ConfigureServices: InvalidOperationException: ConfigureThrowsPlugin fails on purpose",
            configure.Message);
        Assert.Contains(faulty, configure.Message);

        PluginLoadFailure constructor = Assert.Single(_host.Failures, f => f.Message.Contains("ConstructorThrowsPlugin"));
        Assert.Null(constructor.PluginId);
        Assert.Contains("InvalidOperationException: ConstructorThrowsPlugin fails on purpose", constructor.Message);

        // The throwing plugin registered an IModality whose factory throws before failing: resolving proves it is gone.
        Assert.Equal(["test-constant"], _host.Modalities.Select(m => m.Name));
        Assert.Equal(["test-echo"], _host.Tasks.Select(t => t.Name));
    }

    [Fact]
    public void PluginWithUnconstructibleServicesOrNoParameterlessConstructorIsRefused()
    {
        PluginLoadFailure unresolvable = Assert.Single(_host.Failures, f => f.PluginId == "test-unresolvable");
        Assert.Contains("registered services that cannot be constructed", unresolvable.Message);
        Assert.Contains("IMissingService", unresolvable.Message);
        // Had it leaked, the host's own provider (built with ValidateOnBuild) would have failed to build.

        PluginLoadFailure needsArgument = Assert.Single(_host.Failures, f => f.Message.Contains("NeedsArgumentPlugin"));
        Assert.Contains("has no public parameterless constructor", needsArgument.Message);
    }

    [Fact]
    public void AssemblyWithoutAPublicConcretePluginIsReported()
    {
        string path = TestPluginFolders.BuiltAssembly("NoEntryTestPlugin");
        PluginLoadFailure failure = Assert.Single(_host.Failures, f => f.Path == path);
        Assert.Equal($"plugin 'NoEntryTestPlugin' ({path}) has no IDiffusionPlugin: no public, non-abstract class implements it",
            failure.Message);
    }

    [Fact]
    public void EveryFoundPluginIsEitherLoadedOrReported()
    {
        // FaultyTestPlugin holds four entry points, each failing differently; NoEntryTestPlugin none.
        Assert.Equal(5, _host.Failures.Count);
        Assert.Empty(_host.DisabledPlugins);
    }
}
