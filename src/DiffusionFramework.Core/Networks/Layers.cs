using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionFramework.Core.Networks;

/// <summary>Factories shared by the network blocks: N-d convolutions, group norms and zero initialisation.</summary>
internal static class Layers
{
    /// <summary>A <paramref name="dims"/>-d convolution with a square kernel (see <see cref="ChannelsLastConvolution"/>).</summary>
    public static nn.Module<Tensor, Tensor> Conv(int dims, long inChannels, long outChannels, long kernelSize,
        Device? device, long stride = 1, long padding = 0) =>
        new ChannelsLastConvolution(dims, inChannels, outChannels, kernelSize, stride, padding, device);

    /// <summary>A 3-wide (3×3) convolution that keeps the spatial size.</summary>
    public static nn.Module<Tensor, Tensor> Conv3(int dims, long inChannels, long outChannels, Device? device) =>
        Conv(dims, inChannels, outChannels, 3, device, padding: 1);

    /// <summary>
    /// Group normalisation over <paramref name="channels"/> with γ = 1 and β = 0 (see <see cref="ContiguousGroupNorm"/>);
    /// <paramref name="groups"/> must divide it.
    /// </summary>
    public static nn.Module<Tensor, Tensor> GroupNorm(int groups, long channels, Device? device)
    {
        if (groups < 1 || channels % groups != 0)
            throw new ArgumentException(
                $"norm_groups: {groups} groups do not divide {channels} channels; choose norm_groups dividing every channel count");
        return new ContiguousGroupNorm(groups, channels, device);
    }

    /// <summary>Sets every parameter of <paramref name="module"/> to zero, as ADM's <c>zero_module</c>.</summary>
    public static T Zeroed<T>(T module) where T : nn.Module
    {
        using (no_grad())
        {
            foreach (TorchSharp.Modules.Parameter parameter in module.parameters())
                parameter.zero_();
        }
        return module;
    }

    /// <summary>Reshapes a per-sample vector [B, C] to [B, C, 1, …] so that it broadcasts over <paramref name="dims"/> axes.</summary>
    public static Tensor AppendSpatial(Tensor vector, int dims) =>
        dims == 1 ? vector.unsqueeze(-1) : vector.unsqueeze(-1).unsqueeze(-1);

    /// <summary>Writes a shape as "[2, 3, 8]" for error messages.</summary>
    public static string Shape(Tensor tensor) => $"[{string.Join(", ", tensor.shape)}]";
}
