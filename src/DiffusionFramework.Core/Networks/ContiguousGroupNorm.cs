using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DiffusionFramework.Core.Networks;

/// <summary>
/// Group normalisation (Wu &amp; He 2018) over [N, C, *spatial], computed on a contiguous copy when the input is
/// channels-last (as <see cref="ChannelsLastConvolution"/> leaves it): libtorch 2.10's channels-last GroupNorm kernels
/// took a sixth of a U-Net train step here, more than the copy costs. State-dict keys weight and bias [C] as
/// torch.nn.GroupNorm; γ = 1 and β = 0 at start; ε = 1e-5.
/// </summary>
internal sealed class ContiguousGroupNorm : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter bias;
    private readonly long groups;

    /// <summary>Normalises <paramref name="channels"/> channels in <paramref name="groups"/> groups.</summary>
    public ContiguousGroupNorm(long groups, long channels, Device? device) : base("GroupNorm")
    {
        this.groups = groups;
        weight = new Parameter(ones(channels, device: device));
        bias = new Parameter(zeros(channels, device: device));
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using Tensor contiguous = input.contiguous();
        return nn.functional.group_norm(contiguous, groups, weight, bias, 1e-5);
    }
}
