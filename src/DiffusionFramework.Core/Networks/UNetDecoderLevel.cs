using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DiffusionFramework.Core.Networks;

/// <summary>
/// One decoder level of <see cref="UNet"/>: NumResBlocks + 1 residual blocks, each fed the previous output concatenated
/// (on channels) with the latest encoder skip, each followed by self-attention where configured, then an upsample
/// unless it is the full-resolution level.
/// </summary>
/// <remarks>State-dict keys: res.{i}, attn.{i}, upsample.</remarks>
internal sealed class UNetDecoderLevel : nn.Module
{
    private readonly ModuleList<ResidualBlock> res;
    private readonly ModuleList<SelfAttention> attn;
    private readonly Upsample? upsample;

    /// <param name="config">The network's configuration.</param>
    /// <param name="inChannels">Channels arriving from below.</param>
    /// <param name="skipChannels">Channels of the skips this level consumes, in the order it pops them.</param>
    /// <param name="outChannels">Channels of every block's output.</param>
    /// <param name="attends">Whether the blocks get self-attention.</param>
    /// <param name="first">Whether this is the full-resolution level (no upsample).</param>
    /// <param name="device">Where the parameters live.</param>
    public UNetDecoderLevel(UNetConfig config, int inChannels, IReadOnlyList<int> skipChannels, int outChannels,
        bool attends, bool first, Device? device) : base(nameof(UNetDecoderLevel))
    {
        res = nn.ModuleList([.. skipChannels.Select((skip, i) => new ResidualBlock(config.Dims,
            (i == 0 ? inChannels : outChannels) + skip, outChannels, config.ResolvedTimeEmbedDim, config.NormGroups,
            config.Dropout, config.UseScaleShiftNorm, device))]);
        attn = nn.ModuleList(attends
            ? [.. skipChannels.Select(_ => new SelfAttention(outChannels, config.NumHeadChannels, config.NormGroups, device))]
            : Array.Empty<SelfAttention>());
        upsample = first ? null : new Upsample(config.Dims, outChannels, device);
        RegisterComponents();
    }

    /// <summary>Runs the level on h, taking its skips from the end of <paramref name="skips"/>.</summary>
    public Tensor Forward(Tensor h, Tensor embedding, List<Tensor> skips)
    {
        for (int i = 0; i < res.Count; i++)
        {
            Tensor skip = skips[^1];
            skips.RemoveAt(skips.Count - 1);
            h = res[i].forward(cat([h, skip], 1), embedding);
            if (attn.Count > 0)
                h = attn[i].forward(h);
        }
        return upsample is null ? h : upsample.forward(h);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            res.Dispose();
            attn.Dispose();
            upsample?.Dispose();
        }
        base.Dispose(disposing);
    }
}
