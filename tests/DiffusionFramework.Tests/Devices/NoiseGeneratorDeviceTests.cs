using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Noise;
using TorchSharp;

namespace DiffusionFramework.Tests.Devices;

/// <summary>
/// The trainer draws everything with one CPU generator and asks the noise sampler for noise on the run's device. libtorch
/// refuses a CPU generator for a CUDA draw, so a noise sampler must draw on the generator's device and move the result
/// (as diffusers' <c>randn_tensor</c>). On meta the draw itself cannot fail, but its effect on the generator shows where
/// it happened: a draw on the CPU advances the generator exactly as a CPU-only run does, a draw on meta does not.
/// </summary>
public sealed class NoiseGeneratorDeviceTests(Points2dPluginFixture points) : IClassFixture<Points2dPluginFixture>
{
    [Fact]
    public void Points2dNoiseUsesTheCpuGeneratorForAnyDevice() => AssertDrawsOnTheGeneratorsDevice(points.Modality.NoiseSampler);

    [Fact]
    public void EngineGaussianNoiseUsesTheCpuGeneratorForAnyDevice() => AssertDrawsOnTheGeneratorsDevice(GaussianNoiseSampler.Instance);

    private static void AssertDrawsOnTheGeneratorsDevice(INoiseSampler sampler)
    {
        using var scope = torch.NewDisposeScope();
        using var onCpu = new torch.Generator(42);
        using var forMeta = new torch.Generator(42);
        using var untouched = new torch.Generator(42);

        torch.Tensor cpuNoise = sampler.Sample([64, 2], torch.ScalarType.Float32, torch.CPU, onCpu, Conditioning.None);
        torch.Tensor metaNoise = sampler.Sample([64, 2], torch.ScalarType.Float32, Meta.Device, forMeta, Conditioning.None);

        Assert.Equal(torch.CPU.type, cpuNoise.device_type);
        Meta.AssertOn(metaNoise, "the noise");
        Assert.Equal([64L, 2L], metaNoise.shape);
        byte[] State(torch.Generator g) => g.get_state().data<byte>().ToArray();
        Assert.NotEqual(State(untouched), State(onCpu));
        Assert.Equal(State(onCpu), State(forMeta));
    }
}
