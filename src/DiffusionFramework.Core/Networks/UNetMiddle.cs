using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionFramework.Core.Networks;

/// <summary>The bottleneck of <see cref="UNet"/> at the lowest resolution: residual block, self-attention, residual block.</summary>
/// <remarks>State-dict keys: res_1, attn, res_2.</remarks>
internal sealed class UNetMiddle : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly ResidualBlock res_1;
    private readonly SelfAttention attn;
    private readonly ResidualBlock res_2;

    public UNetMiddle(UNetConfig config, int channels, Device? device) : base(nameof(UNetMiddle))
    {
        res_1 = new ResidualBlock(config.Dims, channels, channels, config.ResolvedTimeEmbedDim, config.NormGroups,
            config.Dropout, config.UseScaleShiftNorm, device);
        attn = new SelfAttention(channels, config.NumHeadChannels, config.NormGroups, device);
        res_2 = new ResidualBlock(config.Dims, channels, channels, config.ResolvedTimeEmbedDim, config.NormGroups,
            config.Dropout, config.UseScaleShiftNorm, device);
        RegisterComponents();
    }

    public override Tensor forward(Tensor h, Tensor embedding) =>
        res_2.forward(attn.forward(res_1.forward(h, embedding)), embedding);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            res_1.Dispose();
            attn.Dispose();
            res_2.Dispose();
        }
        base.Dispose(disposing);
    }
}
