using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionFramework.Core.Networks;

/// <summary>
/// Multi-head self-attention over the spatial positions of a feature map, as in the DDPM and ADM U-Nets
/// (Ho et al. 2020, arXiv:2006.11239; Dhariwal &amp; Nichol 2021, arXiv:2105.05233, §3): with h = GN(x) flattened to
/// [B, C, L], [q, k, v] = W_qkv·h split into heads of <c>headChannels</c>, out = x + W_o·softmax(qᵀk / √d)·v
/// (Vaswani et al. 2017, eq. 1).
/// </summary>
/// <remarks>
/// State-dict keys: norm, qkv (a 1×1 Conv1d to 3C channels: all queries, then all keys, then all values, each split
/// into heads), proj_out (a 1×1 Conv1d, zero at start so that a fresh block is the identity). Works for any number of
/// spatial axes.
/// </remarks>
public sealed class SelfAttention : nn.Module<Tensor, Tensor>
{
    private readonly int channels;
    private readonly int heads;
    private readonly nn.Module<Tensor, Tensor> norm;
    private readonly nn.Module<Tensor, Tensor> qkv;
    private readonly nn.Module<Tensor, Tensor> proj_out;

    /// <summary>Creates the block on <paramref name="device"/>.</summary>
    /// <param name="channels">Channels C of the feature map.</param>
    /// <param name="headChannels">Channels per head; must divide <paramref name="channels"/>.</param>
    /// <param name="normGroups">Groups of the group norm; must divide <paramref name="channels"/>.</param>
    /// <param name="device">Where the parameters live (the CPU when null).</param>
    public SelfAttention(int channels, int headChannels, int normGroups = 32, Device? device = null)
        : base(nameof(SelfAttention))
    {
        if (headChannels < 1 || channels % headChannels != 0)
            throw new ArgumentException(
                $"num_head_channels: {headChannels} does not divide the {channels} channels of an attention block");
        this.channels = channels;
        heads = channels / headChannels;
        norm = Layers.GroupNorm(normGroups, channels, device);
        qkv = Layers.Conv(1, channels, 3 * channels, 1, device);
        proj_out = Layers.Zeroed(Layers.Conv(1, channels, channels, 1, device));
        RegisterComponents();
    }

    /// <summary>Number of attention heads.</summary>
    public int Heads => heads;

    /// <summary>Maps x [B, C, *spatial] to a tensor of the same shape.</summary>
    public override Tensor forward(Tensor x)
    {
        long batch = x.shape[0];
        Tensor h = qkv.forward(norm.forward(x).flatten(2)); // [B, 3C, L]
        long length = h.shape[2];
        // [B, 3C, L] → [3, B, heads, L, d]
        Tensor[] qkvHeads = h.view(batch, 3, heads, channels / heads, length).permute(1, 0, 2, 4, 3).unbind(0);
        Tensor attended = nn.functional.scaled_dot_product_attention(qkvHeads[0], qkvHeads[1], qkvHeads[2]);
        Tensor merged = attended.transpose(2, 3).reshape(batch, channels, length); // [B, heads, d, L] → [B, C, L]
        return x + proj_out.forward(merged).view(x.shape);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            norm.Dispose();
            qkv.Dispose();
            proj_out.Dispose();
        }
        base.Dispose(disposing);
    }
}
