using TorchSharp;

namespace DiffusionFramework.Tests.Devices;

/// <summary>What the meta-device tests rely on: libtorch refuses to combine a meta tensor with a CPU tensor.</summary>
public sealed class MetaDevicePremiseTests
{
    [Fact]
    public void CombiningMetaAndCpuTensorsThrows()
    {
        using var scope = torch.NewDisposeScope();
        torch.Tensor onMeta = torch.ones([4, 2], device: Meta.Device);
        torch.Tensor onCpu = torch.ones([4, 2]);

        Exception error = Assert.ThrowsAny<Exception>(() => onMeta.add(onCpu));
        Assert.Contains("Expected all tensors to be on the same device", error.Message);
        Assert.ThrowsAny<Exception>(() => onCpu.mul(onMeta));
        Assert.ThrowsAny<Exception>(() => onCpu.sub(onMeta.narrow(1, 0, 1)));
        Assert.ThrowsAny<Exception>(() => onMeta.clone().add_(onCpu));
        // Only a 0-dimensional CPU tensor may meet a tensor of another device (a "CPU scalar"), on CUDA as on meta.
        Meta.AssertOn(onMeta.mul(torch.tensor(2f)), "meta * cpu scalar");
        // libtorch 2.x does let cat, matmul and linear mix meta with CPU inputs, and draws meta noise with a CPU
        // generator, where CUDA would refuse: the device tests therefore also assert where inputs and outputs live.
    }

    [Fact]
    public void MetaTensorsHaveShapesButNoValues()
    {
        using var scope = torch.NewDisposeScope();
        torch.Tensor x = torch.randn([3, 5], device: Meta.Device).matmul(torch.randn([5, 2], device: Meta.Device));
        Assert.Equal([3L, 2L], x.shape);
        Meta.AssertOn(x, "matmul");
        Assert.ThrowsAny<Exception>(() => x.sum().item<float>());
    }
}
