using DiffusionFramework.Core.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionFramework.Tests.Networks;

/// <summary>The parameter count of small U-Nets against a count written out block by block from the architecture.</summary>
public sealed class UNetParameterCountTests
{
    [Fact]
    public void Tiny2dMatchesTheClosedFormCount()
    {
        // Tiny2d: mc 8, levels [8, 16], 1 res block, attention at the 16-channel level, scale-shift, 3 classes, emb 16.
        var c = new Counter(dims: 2, embed: 16, scaleShift: true);
        long expected =
            c.Linear(8, 16) + c.Linear(16, 16) + 4 * 16 // time embedding, class embedding (3 + null)
            + c.Conv(1, 8, 3)                            // conv_in
            + c.Res(8, 8) + c.Conv(8, 8, 3)              // down.0: res, downsample
            + c.Res(8, 16) + c.Attn(16)                  // down.1
            + c.Res(16, 16) + c.Attn(16) + c.Res(16, 16) // mid
            + c.Res(16 + 16, 16) + c.Attn(16) + c.Res(16 + 8, 16) + c.Attn(16) + c.Conv(16, 16, 3) // up.0 + upsample
            + c.Res(16 + 8, 8) + c.Res(8 + 8, 8)         // up.1
            + 2 * 8 + c.Conv(8, 1, 3);                   // norm_out, conv_out
        using var net = new UNet(UNetTestConfigs.Tiny2d);
        Assert.Equal(expected, net.parameters().Sum(p => p.numel()));
    }

    [Fact]
    public void Tiny1dMatchesTheClosedFormCount()
    {
        // Tiny1d: mc 8, levels [8, 8, 16], 2 res blocks, attention at full resolution, additive embedding, emb 32.
        var c = new Counter(dims: 1, embed: 32, scaleShift: false);
        long expected =
            c.Linear(8, 32) + c.Linear(32, 32)
            + c.Conv(3 + 2, 8, 3)
            + 2 * (c.Res(8, 8) + c.Attn(8)) + c.Conv(8, 8, 3)  // down.0 (skips: 8, 8, 8, then 8 after downsample)
            + 2 * c.Res(8, 8) + c.Conv(8, 8, 3)                // down.1 (skips: 8, 8, 8)
            + c.Res(8, 16) + c.Res(16, 16)                     // down.2 (skips: 16, 16)
            + c.Res(16, 16) + c.Attn(16) + c.Res(16, 16)       // mid
            + c.Res(32, 16) + c.Res(32, 16) + c.Res(24, 16) + c.Conv(16, 16, 3) // up.0
            + c.Res(24, 8) + 2 * c.Res(16, 8) + c.Conv(8, 8, 3)               // up.1
            + 3 * (c.Res(16, 8) + c.Attn(8))                                  // up.2
            + 2 * 8 + c.Conv(8, 2, 3);
        using var net = new UNet(UNetTestConfigs.Tiny1d);
        Assert.Equal(expected, net.parameters().Sum(p => p.numel()));
    }

    /// <summary>Parameter counts of the building blocks, from their definitions.</summary>
    private sealed class Counter(int dims, int embed, bool scaleShift)
    {
        public long Conv(long inCh, long outCh, int kernel) => outCh * inCh * (long)Math.Pow(kernel, dims) + outCh;

        public long Linear(long inF, long outF) => outF * inF + outF;

        public long Res(long inCh, long outCh) =>
            2 * inCh + Conv(inCh, outCh, 3) + Linear(embed, scaleShift ? 2 * outCh : outCh) + 2 * outCh
            + Conv(outCh, outCh, 3) + (inCh == outCh ? 0 : Conv(inCh, outCh, 1));

        // norm, qkv and proj_out are 1×1 Conv1d whatever the dims.
        public long Attn(long ch) => 2 * ch + (3 * ch * ch + 3 * ch) + (ch * ch + ch);
    }
}
