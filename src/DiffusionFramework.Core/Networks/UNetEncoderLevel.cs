using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DiffusionFramework.Core.Networks;

/// <summary>
/// One encoder level of <see cref="UNet"/>: residual blocks (each followed by self-attention where configured), then a
/// downsample unless it is the last level. Every block's output is pushed as a skip connection for the decoder.
/// </summary>
/// <remarks>State-dict keys: res.{i}, attn.{i}, downsample.</remarks>
internal sealed class UNetEncoderLevel : nn.Module
{
    private readonly ModuleList<ResidualBlock> res;
    private readonly ModuleList<SelfAttention> attn;
    private readonly Downsample? downsample;

    public UNetEncoderLevel(UNetConfig config, int inChannels, int outChannels, bool attends, bool last, Device? device)
        : base(nameof(UNetEncoderLevel))
    {
        res = nn.ModuleList([.. Enumerable.Range(0, config.NumResBlocks).Select(i => new ResidualBlock(config.Dims,
            i == 0 ? inChannels : outChannels, outChannels, config.ResolvedTimeEmbedDim, config.NormGroups,
            config.Dropout, config.UseScaleShiftNorm, device))]);
        attn = nn.ModuleList(attends
            ? [.. Enumerable.Range(0, config.NumResBlocks)
                .Select(_ => new SelfAttention(outChannels, config.NumHeadChannels, config.NormGroups, device))]
            : Array.Empty<SelfAttention>());
        downsample = last ? null : new Downsample(config.Dims, outChannels, device);
        RegisterComponents();
    }

    /// <summary>Runs the level on h, appending each block's output to <paramref name="skips"/>.</summary>
    public Tensor Forward(Tensor h, Tensor embedding, List<Tensor> skips)
    {
        for (int i = 0; i < res.Count; i++)
        {
            h = res[i].forward(h, embedding);
            if (attn.Count > 0)
                h = attn[i].forward(h);
            skips.Add(h);
        }
        if (downsample is not null)
        {
            h = downsample.forward(h);
            skips.Add(h);
        }
        return h;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            res.Dispose();
            attn.Dispose();
            downsample?.Dispose();
        }
        base.Dispose(disposing);
    }
}
