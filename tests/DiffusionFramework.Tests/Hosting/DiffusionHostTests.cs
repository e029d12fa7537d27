using System.Text.Json.Nodes;
using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Sampling;
using DiffusionFramework.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace DiffusionFramework.Tests.Hosting;

/// <summary>What the composed host offers besides loading: lookups, host services, disposal.</summary>
public sealed class DiffusionHostTests
{
    [Fact]
    public void UnknownModalityListsTheLoadedOnesAndTheFailures()
    {
        using DiffusionHost host = TestPluginFolders.Builder(TestPluginFolders.Built).Build();

        var error = Assert.Throws<ArgumentException>(() => host.GetModality("images"));
        Assert.Equal("name", error.ParamName);
        Assert.StartsWith("unknown modality 'images'; loaded modalities: test-constant; 5 plugin(s) failed to load: ",
            error.Message);
        Assert.Contains("test-configure-throws", error.Message);
    }

    [Fact]
    public void UnknownModalityWithNoPluginsSaysNone()
    {
        using DiffusionHost host = TestPluginFolders.Builder().Build();

        Assert.Equal("unknown modality 'x'; loaded modalities: none (Parameter 'name')",
            Assert.Throws<ArgumentException>(() => host.GetModality("x")).Message);
    }

    [Fact]
    public void HostServicesAreRegisteredBeforePluginsAndWinOverTheirTryAdd()
    {
        var mine = new HostModality();

        using DiffusionHost host = TestPluginFolders.Builder(Path.Combine(TestPluginFolders.Built, "GoodTestPlugin"))
            .ConfigureServices(s => s.AddSingleton<IModality>(mine))
            .Build();

        Assert.Equal(["host-only", "test-constant"], host.Modalities.Select(m => m.Name));
        Assert.Same(mine, host.GetModality("host-only"));
    }

    [Fact]
    public void BrokenHostServicesFailTheBuildInsteadOfBlamingPlugins()
    {
        var builder = TestPluginFolders.Builder().ConfigureServices(s => s.AddSingleton<NeedsUnregistered>());

        var error = Assert.Throws<InvalidOperationException>(builder.Build);
        Assert.StartsWith("the host's services cannot be constructed: ", error.Message);
        Assert.Contains(nameof(IUnregistered), error.Message);
    }

    [Fact]
    public void AddDiffusionCoreRegistersTheBuiltInSamplersOnce()
    {
        IServiceCollection twice = new ServiceCollection().AddDiffusionCore().AddDiffusionCore();
        Assert.Equal(SamplerRegistry.BuiltIn.Samplers.Count, twice.Count(d => d.ServiceType == typeof(ISampler)));
        Assert.Single(twice, d => d.ServiceType == typeof(SamplerRegistry));

        using ServiceProvider provider = twice.BuildServiceProvider();
        SamplerRegistry registry = provider.GetRequiredService<SamplerRegistry>();
        Assert.Equal(SamplerRegistry.BuiltIn.Names, registry.Names);
        Assert.Equal("ddpm", registry.Get("DDPMScheduler").Name);
        Assert.Equal("ddim", registry.Get("DDIMScheduler").Name);
    }

    [Fact]
    public void HostsOwnSamplerRegistryWins()
    {
        var mine = new SamplerRegistry([new DdimSampler()]);

        using DiffusionHost host = TestPluginFolders.Builder().ConfigureServices(s => s.AddSingleton(mine)).Build();

        Assert.Same(mine, host.Services.GetRequiredService<SamplerRegistry>());
    }

    [Fact]
    public void DisposingTheHostDisposesItsServices()
    {
        var disposable = new DisposalProbe();
        DiffusionHost host = TestPluginFolders.Builder(Path.Combine(TestPluginFolders.Built, "GoodTestPlugin"))
            .ConfigureServices(s => s.AddSingleton(_ => disposable))
            .Build();
        Assert.Same(disposable, host.Services.GetRequiredService<DisposalProbe>());

        host.Dispose();

        Assert.True(disposable.Disposed);
        Assert.Throws<ObjectDisposedException>(() => host.Modalities.ToList());
    }

    private interface IUnregistered;

    private sealed class NeedsUnregistered(IUnregistered dependency)
    {
        public IUnregistered Dependency { get; } = dependency;
    }

    private sealed class DisposalProbe : IDisposable
    {
        public bool Disposed { get; private set; }

        public void Dispose() => Disposed = true;
    }

    private sealed class HostModality : IModality
    {
        public string Name => "host-only";
        public string Description => "Registered by the host.";
        public TrainingDefaults TrainingDefaults => throw new NotSupportedException();
        public INoiseSampler NoiseSampler => throw new NotSupportedException();
        public IReadOnlyList<IMetric> CreateMetrics(JsonObject networkConfig) => [];
        public ISampleWriter Writer => throw new NotSupportedException();
        public System.Text.Json.Nodes.JsonObject DefaultNetworkConfig() => [];
        public long[] SampleShape(System.Text.Json.Nodes.JsonObject networkConfig) => [];
        public IDenoiser CreateDenoiser(System.Text.Json.Nodes.JsonObject networkConfig, TorchSharp.torch.Device device) =>
            throw new NotSupportedException();
        public IDiffusionDataset OpenDataset(string? path, System.Text.Json.Nodes.JsonObject networkConfig) =>
            throw new NotSupportedException();
        public Conditioning SamplingConditioning(int batchSize, IReadOnlyDictionary<string, string> options,
            TorchSharp.torch.Device device) => Conditioning.None;
    }
}
