using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DiffusionFramework.Core.Networks;

/// <summary>
/// The U-Net denoiser of DDPM (Ho et al. 2020, arXiv:2006.11239, appendix B) with ADM's refinements (Dhariwal &amp;
/// Nichol 2021, arXiv:2105.05233, §3: multi-head attention at several resolutions, scale-shift norm, class embedding
/// added to the timestep embedding), for sequences (<see cref="UNetConfig.Dims"/> = 1) or images (2).
/// </summary>
/// <remarks>
/// <para>Layout: conv_in; per level NumResBlocks residual blocks (+ attention) and a downsample between levels; middle
/// res → attn → res; per level, deepest first, NumResBlocks + 1 residual blocks fed with the encoder skips (+ attention)
/// and an upsample; norm_out → SiLU → conv_out (zero at start, so a fresh network predicts 0).</para>
/// <para>State-dict keys: time_embedding.linear_{1,2}, class_embedding (NumClasses + 1 rows; the last is the null class
/// of classifier-free guidance), conv_in, down.{level}.res.{i}.*, down.{level}.attn.{i}.*, down.{level}.downsample.conv,
/// mid.res_1, mid.attn, mid.res_2, up.{j}.res.{i}, up.{j}.attn.{i}, up.{j}.upsample.conv (up.0 is the deepest level),
/// norm_out, conv_out.</para>
/// </remarks>
public sealed class UNet : nn.Module<Tensor, Tensor, Tensor?, Tensor?, Tensor>
{
    private readonly SinusoidalTimestepEmbedding time_proj;
    private readonly TimestepEmbedding time_embedding;
    private readonly Embedding? class_embedding;
    private readonly nn.Module<Tensor, Tensor> conv_in;
    private readonly ModuleList<UNetEncoderLevel> down;
    private readonly UNetMiddle mid;
    private readonly ModuleList<UNetDecoderLevel> up;
    private readonly nn.Module<Tensor, Tensor> norm_out;
    private readonly nn.Module<Tensor, Tensor> conv_out;

    /// <summary>Builds the network described by <paramref name="config"/> on <paramref name="device"/> (the CPU when null).</summary>
    /// <exception cref="ArgumentException">The configuration is invalid; the message starts with the key.</exception>
    public UNet(UNetConfig config, Device? device = null) : base(nameof(UNet))
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        int mc = config.ModelChannels, levels = config.ChannelMult.Count;
        time_proj = new SinusoidalTimestepEmbedding(mc, flipSinToCos: true, downscaleFreqShift: 0);
        time_embedding = new TimestepEmbedding(mc, config.ResolvedTimeEmbedDim, device);
        class_embedding = config.NumClasses > 0
            ? nn.Embedding(config.NumClasses + 1, config.ResolvedTimeEmbedDim, device: device)
            : null;
        conv_in = Layers.Conv3(config.Dims, config.InChannels + config.ContextChannels, mc, device);

        // Encoder; skipChannels records the channels of every skip in the order they are pushed.
        var skipChannels = new List<int> { mc };
        var encoder = new List<UNetEncoderLevel>();
        int channels = mc;
        for (int level = 0; level < levels; level++)
        {
            int outChannels = mc * config.ChannelMult[level];
            bool last = level == levels - 1;
            encoder.Add(new UNetEncoderLevel(config, channels, outChannels, Attends(config, level), last, device));
            channels = outChannels;
            skipChannels.AddRange(Enumerable.Repeat(channels, config.NumResBlocks + (last ? 0 : 1)));
        }
        down = nn.ModuleList([.. encoder]);
        mid = new UNetMiddle(config, channels, device);

        var decoder = new List<UNetDecoderLevel>();
        for (int level = levels - 1; level >= 0; level--)
        {
            int outChannels = mc * config.ChannelMult[level];
            int count = config.NumResBlocks + 1;
            int[] popped = [.. Enumerable.Reverse(skipChannels.GetRange(skipChannels.Count - count, count))];
            skipChannels.RemoveRange(skipChannels.Count - count, count);
            decoder.Add(new UNetDecoderLevel(config, channels, popped, outChannels, Attends(config, level), level == 0, device));
            channels = outChannels;
        }
        up = nn.ModuleList([.. decoder]);
        norm_out = Layers.GroupNorm(config.NormGroups, channels, device);
        conv_out = Layers.Zeroed(Layers.Conv3(config.Dims, channels, config.OutChannels, device));
        RegisterComponents();
    }

    /// <summary>The configuration the network was built from.</summary>
    public UNetConfig Config { get; }

    /// <summary>Predicts from x_t and timesteps (ε, v or x0: whatever it was trained for).</summary>
    /// <param name="x">Noisy input [B, InChannels, *spatial]; every spatial size a multiple of <see cref="UNetConfig.SpatialMultiple"/>.</param>
    /// <param name="t">Timesteps [B] or a scalar for all, integer or fractional, in training units.</param>
    /// <param name="classLabels">Integer labels [B] in [0, NumClasses]; NumClasses (or null) is the null class. Only when NumClasses &gt; 0.</param>
    /// <param name="context">[B, ContextChannels, *spatial], concatenated to x on channels; required when ContextChannels &gt; 0.</param>
    /// <returns>[B, OutChannels, *spatial] in x's dtype.</returns>
    /// <exception cref="ArgumentException">A shape, dtype, device or label does not fit the configuration.</exception>
    public override Tensor forward(Tensor x, Tensor t, Tensor? classLabels, Tensor? context)
    {
        UNetInputs.Check(Config, x, t, classLabels, context);
        using var scope = NewDisposeScope();
        long batch = x.shape[0];

        // 1. Embedding: γ(t) → MLP, plus the class embedding (the null class when no labels are given).
        Tensor timesteps = t.dim() == 0 ? t.expand(batch) : t;
        Tensor embedding = time_embedding.forward(time_proj.forward(timesteps).to(x.dtype));
        if (class_embedding is not null)
        {
            Tensor labels = classLabels?.to(int64)
                            ?? full(batch, Config.NumClasses, dtype: int64, device: x.device);
            embedding = embedding + class_embedding.forward(labels);
        }

        // 2. Encoder, keeping every block's output as a skip connection.
        Tensor h = conv_in.forward(context is null ? x : cat([x, context.to(x.dtype)], 1));
        var skips = new List<Tensor> { h };
        foreach (UNetEncoderLevel level in down)
            h = level.Forward(h, embedding, skips);

        // 3. Middle, then 4. decoder consuming the skips deepest first.
        h = mid.forward(h, embedding);
        foreach (UNetDecoderLevel level in up)
            h = level.Forward(h, embedding, skips);

        // 5. Output.
        return conv_out.forward(nn.functional.silu(norm_out.forward(h))).MoveToOuterDisposeScope();
    }

    private static bool Attends(UNetConfig config, int level) => config.AttentionResolutions.Contains(1 << level);

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            time_proj.Dispose();
            time_embedding.Dispose();
            class_embedding?.Dispose();
            conv_in.Dispose();
            down.Dispose();
            mid.Dispose();
            up.Dispose();
            norm_out.Dispose();
            conv_out.Dispose();
        }
        base.Dispose(disposing);
    }
}
