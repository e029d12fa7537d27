using DiffusionFramework.Core.Configuration;
using System.Text.Json.Nodes;

namespace DiffusionFramework.Core.Networks;

/// <summary>
/// Hyper-parameters of <see cref="UNet"/>, in the vocabulary of ADM's <c>UNetModel</c> (Dhariwal &amp; Nichol 2021,
/// arXiv:2105.05233). JSON keys are the snake_case property names (<c>channel_mult</c>, <c>num_res_blocks</c>, …);
/// <see cref="FromJson"/> rejects keys it does not know unless the caller lists them as its own.
/// </summary>
/// <remarks>
/// The defaults describe a small 2-D model for 8×8 one-channel images: model_channels 64, channel_mult [1, 2],
/// two residual blocks per level, attention at downsample factor 2 (the 4×4 level), 32 channels per head,
/// scale-shift norm. The middle block always has attention.
/// </remarks>
public sealed record UNetConfig
{
    private readonly int[] channelMult = [1, 2];
    private readonly int[] attentionResolutions = [2];

    /// <summary>Spatial axes: 1 for sequences [B, C, L], 2 for images [B, C, H, W].</summary>
    public int Dims { get; init; } = 2;

    /// <summary>Channels of the noisy input x (the context's channels come on top).</summary>
    public int InChannels { get; init; } = 1;

    /// <summary>Channels of the prediction.</summary>
    public int OutChannels { get; init; } = 1;

    /// <summary>Channels after conv_in; level i has ModelChannels · ChannelMult[i].</summary>
    public int ModelChannels { get; init; } = 64;

    /// <summary>Channel multiplier per level; its length is the number of levels (one downsample between two).</summary>
    public IReadOnlyList<int> ChannelMult { get => channelMult; init => channelMult = [.. value]; }

    /// <summary>Residual blocks per encoder level (the decoder has one more per level).</summary>
    public int NumResBlocks { get; init; } = 2;

    /// <summary>Downsample factors at which the blocks get self-attention: 1 = full resolution, 2 = after the first downsample, ….</summary>
    public IReadOnlyList<int> AttentionResolutions { get => attentionResolutions; init => attentionResolutions = [.. value]; }

    /// <summary>Channels per attention head; must divide the channels of every level with attention and of the middle.</summary>
    public int NumHeadChannels { get; init; } = 32;

    /// <summary>Dropout probability inside the residual blocks.</summary>
    public double Dropout { get; init; }

    /// <summary>Number of classes for class conditioning; 0 = unconditional. Label NumClasses is the null class.</summary>
    public int NumClasses { get; init; }

    /// <summary>Channels of a context tensor concatenated to x (low-res image, noisy mel, …); 0 = none.</summary>
    public int ContextChannels { get; init; }

    /// <summary>Groups of every group norm; must divide every channel count.</summary>
    public int NormGroups { get; init; } = 32;

    /// <summary>ADM's scale-shift norm (AdaGN) in the residual blocks instead of adding the embedding.</summary>
    public bool UseScaleShiftNorm { get; init; } = true;

    /// <summary>Width of the timestep embedding; null = 4 · ModelChannels.</summary>
    public int? TimeEmbedDim { get; init; }

    /// <summary>The timestep embedding width in use: <see cref="TimeEmbedDim"/> or 4 · ModelChannels.</summary>
    public int ResolvedTimeEmbedDim => TimeEmbedDim ?? 4 * ModelChannels;

    /// <summary>Every spatial size of the input must be a multiple of this: 2^(levels − 1).</summary>
    public int SpatialMultiple => 1 << (ChannelMult.Count - 1);

    /// <summary>Reads a configuration; missing keys take the defaults.</summary>
    /// <param name="json">The configuration object.</param>
    /// <param name="otherKeys">Keys that belong to the caller (a plugin's own settings) and are skipped.</param>
    /// <exception cref="ArgumentException">
    /// An unknown key, a value of the wrong type or out of range, or inconsistent values; the message starts with the key.
    /// </exception>
    public static UNetConfig FromJson(JsonObject json, IEnumerable<string>? otherKeys = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        var reader = new JsonConfigReader(json, otherKeys);
        var defaults = new UNetConfig();
        var config = new UNetConfig
        {
            Dims = reader.Int("dims", defaults.Dims, 1, 2),
            InChannels = reader.Int("in_channels", defaults.InChannels, 1, 4096),
            OutChannels = reader.Int("out_channels", defaults.OutChannels, 1, 4096),
            ModelChannels = reader.Int("model_channels", defaults.ModelChannels, 1, 4096),
            ChannelMult = reader.IntList("channel_mult", defaults.ChannelMult, 1, 64),
            NumResBlocks = reader.Int("num_res_blocks", defaults.NumResBlocks, 1, 16),
            AttentionResolutions = reader.IntList("attention_resolutions", defaults.AttentionResolutions, 1, 1 << 10),
            NumHeadChannels = reader.Int("num_head_channels", defaults.NumHeadChannels, 1, 4096),
            Dropout = reader.Double("dropout", defaults.Dropout),
            NumClasses = reader.Int("num_classes", defaults.NumClasses, 0, 1_000_000),
            ContextChannels = reader.Int("context_channels", defaults.ContextChannels, 0, 4096),
            NormGroups = reader.Int("norm_groups", defaults.NormGroups, 1, 4096),
            UseScaleShiftNorm = reader.Bool("use_scale_shift_norm", defaults.UseScaleShiftNorm),
            TimeEmbedDim = reader.NullableInt("time_embed_dim", 1, 16_384),
        };
        reader.RejectUnknownKeys("U-Net setting", new UNetConfig().ToJson().Select(p => p.Key));
        config.Validate();
        return config;
    }

    /// <summary>Writes every key (time_embed_dim is null when it follows model_channels).</summary>
    public JsonObject ToJson() => new()
    {
        ["dims"] = Dims,
        ["in_channels"] = InChannels,
        ["out_channels"] = OutChannels,
        ["model_channels"] = ModelChannels,
        ["channel_mult"] = new JsonArray([.. ChannelMult.Select(m => (JsonNode)m)]),
        ["num_res_blocks"] = NumResBlocks,
        ["attention_resolutions"] = new JsonArray([.. AttentionResolutions.Select(r => (JsonNode)r)]),
        ["num_head_channels"] = NumHeadChannels,
        ["dropout"] = Dropout,
        ["num_classes"] = NumClasses,
        ["context_channels"] = ContextChannels,
        ["norm_groups"] = NormGroups,
        ["use_scale_shift_norm"] = UseScaleShiftNorm,
        ["time_embed_dim"] = TimeEmbedDim,
    };

    /// <summary>Checks the values together (also done by <see cref="UNet"/>'s constructor).</summary>
    /// <exception cref="ArgumentException">A value is out of range or the values disagree; the message starts with the key.</exception>
    public void Validate() => UNetConfigRules.Check(this);

    /// <inheritdoc />
    public bool Equals(UNetConfig? other) =>
        other is not null && Dims == other.Dims && InChannels == other.InChannels && OutChannels == other.OutChannels
        && ModelChannels == other.ModelChannels && ChannelMult.SequenceEqual(other.ChannelMult)
        && NumResBlocks == other.NumResBlocks && AttentionResolutions.SequenceEqual(other.AttentionResolutions)
        && NumHeadChannels == other.NumHeadChannels && Dropout.Equals(other.Dropout) && NumClasses == other.NumClasses
        && ContextChannels == other.ContextChannels && NormGroups == other.NormGroups
        && UseScaleShiftNorm == other.UseScaleShiftNorm && TimeEmbedDim == other.TimeEmbedDim;

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Dims);
        hash.Add(InChannels);
        hash.Add(OutChannels);
        hash.Add(ModelChannels);
        foreach (int m in ChannelMult)
            hash.Add(m);
        hash.Add(NumResBlocks);
        foreach (int r in AttentionResolutions)
            hash.Add(r);
        hash.Add(NumHeadChannels);
        hash.Add(Dropout);
        hash.Add(NumClasses);
        hash.Add(ContextChannels);
        hash.Add(NormGroups);
        hash.Add(UseScaleShiftNorm);
        hash.Add(TimeEmbedDim);
        return hash.ToHashCode();
    }
}
