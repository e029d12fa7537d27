using System.Text.Json.Nodes;
using DiffusionFramework.Abstractions;
using DiffusionFramework.Hosting;
using TorchSharp;

namespace DiffusionFramework.Tests.Devices;

/// <summary>The real points2d plugin, loaded by a host from the test output's plugins/ folder as the CLI loads it.</summary>
public sealed class Points2dPluginFixture : IDisposable
{
    private readonly DiffusionHost _host = new DiffusionHostBuilder().Build();

    public Points2dPluginFixture()
    {
        Modality = _host.GetModality("points2d");
        Plugin = _host.PluginOf(Modality);
    }

    public IModality Modality { get; }

    public PluginInfo Plugin { get; }

    /// <summary>The modality's default network config with <paramref name="changes"/> applied.</summary>
    public JsonObject Network(params (string Key, JsonNode Value)[] changes)
    {
        JsonObject config = Modality.DefaultNetworkConfig();
        foreach ((string key, JsonNode value) in changes)
            config[key] = value;
        return config;
    }

    public void Dispose() => _host.Dispose();
}

/// <summary>
/// libtorch's meta device: tensors with a shape and dtype but no storage. Combining a meta tensor with a tensor on
/// another device throws, exactly as combining CUDA and CPU tensors does, so running engine code on meta proves that
/// every tensor it creates follows the configured device.
/// </summary>
internal static class Meta
{
    public static torch.Device Device { get; } = new(DeviceType.META);

    public static void AssertOn(torch.Tensor tensor, string what) =>
        Assert.True(tensor.device_type == DeviceType.META, $"{what} is on {tensor.device}, not meta");
}
