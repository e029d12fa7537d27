using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DiffusionFramework.Core.Networks;

/// <summary>
/// The residual block of the DDPM U-Net (Ho et al. 2020, arXiv:2006.11239, appendix B) with the timestep conditioning
/// of ADM (Dhariwal &amp; Nichol 2021, arXiv:2105.05233, §3): h = conv1(SiLU(GN(x))), then either
/// h = h + W·SiLU(emb) followed by GN, or, with scale-shift norm ("AdaGN"), GN(h)·(1 + s) + b with [s, b] = W·SiLU(emb);
/// then out = skip(x) + conv2(Dropout(SiLU(h))).
/// </summary>
/// <remarks>
/// State-dict keys (diffusers' <c>ResnetBlock2D</c> names): norm1, conv1, time_emb_proj, norm2, conv2, and conv_shortcut
/// (a 1×1 convolution) when the channel count changes. conv2 starts at zero, as in ADM, so a fresh block is the identity.
/// </remarks>
public sealed class ResidualBlock : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly int dims;
    private readonly bool useScaleShiftNorm;
    private readonly nn.Module<Tensor, Tensor> norm1;
    private readonly nn.Module<Tensor, Tensor> conv1;
    private readonly Linear time_emb_proj;
    private readonly nn.Module<Tensor, Tensor> norm2;
    private readonly Dropout dropout;
    private readonly nn.Module<Tensor, Tensor> conv2;
    private readonly nn.Module<Tensor, Tensor>? conv_shortcut;

    /// <summary>Creates the block on <paramref name="device"/>.</summary>
    /// <param name="dims">1 for sequences [B, C, L], 2 for images [B, C, H, W].</param>
    /// <param name="inChannels">Channels of the input.</param>
    /// <param name="outChannels">Channels of the output.</param>
    /// <param name="timeEmbedDim">Width of the timestep (and class) embedding.</param>
    /// <param name="normGroups">Groups of both group norms; must divide both channel counts.</param>
    /// <param name="dropout">Dropout probability before conv2.</param>
    /// <param name="useScaleShiftNorm">ADM's scale-shift conditioning instead of adding the embedding.</param>
    /// <param name="device">Where the parameters live (the CPU when null).</param>
    public ResidualBlock(int dims, int inChannels, int outChannels, int timeEmbedDim, int normGroups = 32,
        double dropout = 0, bool useScaleShiftNorm = false, Device? device = null) : base(nameof(ResidualBlock))
    {
        this.dims = dims;
        this.useScaleShiftNorm = useScaleShiftNorm;
        norm1 = Layers.GroupNorm(normGroups, inChannels, device);
        conv1 = Layers.Conv3(dims, inChannels, outChannels, device);
        time_emb_proj = nn.Linear(timeEmbedDim, useScaleShiftNorm ? 2 * outChannels : outChannels, device: device);
        norm2 = Layers.GroupNorm(normGroups, outChannels, device);
        this.dropout = nn.Dropout(dropout);
        conv2 = Layers.Zeroed(Layers.Conv3(dims, outChannels, outChannels, device));
        conv_shortcut = inChannels == outChannels ? null : Layers.Conv(dims, inChannels, outChannels, 1, device);
        RegisterComponents();
    }

    /// <summary>Maps x [B, in, *spatial] and the embedding [B, timeEmbedDim] to [B, out, *spatial].</summary>
    public override Tensor forward(Tensor x, Tensor embedding)
    {
        Tensor h = conv1.forward(nn.functional.silu(norm1.forward(x)));
        Tensor projected = Layers.AppendSpatial(time_emb_proj.forward(nn.functional.silu(embedding)), dims);
        if (useScaleShiftNorm)
        {
            Tensor[] scaleShift = projected.chunk(2, 1);
            h = norm2.forward(h) * (scaleShift[0] + 1) + scaleShift[1];
        }
        else
        {
            h = norm2.forward(h + projected);
        }
        h = conv2.forward(dropout.forward(nn.functional.silu(h)));
        return (conv_shortcut is null ? x : conv_shortcut.forward(x)) + h;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            norm1.Dispose();
            conv1.Dispose();
            time_emb_proj.Dispose();
            norm2.Dispose();
            dropout.Dispose();
            conv2.Dispose();
            conv_shortcut?.Dispose();
        }
        base.Dispose(disposing);
    }
}
