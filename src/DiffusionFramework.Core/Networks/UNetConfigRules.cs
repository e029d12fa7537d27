namespace DiffusionFramework.Core.Networks;

/// <summary>The consistency rules of <see cref="UNetConfig"/>; each error message starts with the offending key.</summary>
internal static class UNetConfigRules
{
    /// <summary>Widest level allowed, so that a typo cannot ask for terabytes of weights.</summary>
    private const int MaxChannels = 4096;

    public static void Check(UNetConfig c)
    {
        Require(c.Dims is 1 or 2, "dims", $"{c.Dims}; must be 1 (sequences) or 2 (images)");
        Require(c.InChannels >= 1, "in_channels", $"{c.InChannels}; must be at least 1");
        Require(c.OutChannels >= 1, "out_channels", $"{c.OutChannels}; must be at least 1");
        Require(c.ModelChannels >= 1, "model_channels", $"{c.ModelChannels}; must be at least 1");
        Require(c.ChannelMult.Count is >= 1 and <= 10, "channel_mult", $"{c.ChannelMult.Count} levels; must be 1 to 10");
        Require(c.ChannelMult.All(m => m >= 1), "channel_mult", "every multiplier must be at least 1");
        Require(c.ChannelMult.All(m => (long)m * c.ModelChannels <= MaxChannels), "channel_mult",
            $"model_channels · multiplier must stay at most {MaxChannels} channels");
        Require(c.NumResBlocks >= 1, "num_res_blocks", $"{c.NumResBlocks}; must be at least 1");
        Require(c.NumHeadChannels >= 1, "num_head_channels", $"{c.NumHeadChannels}; must be at least 1");
        Require(c.Dropout is >= 0 and < 1, "dropout", $"{c.Dropout}; must be in [0, 1)");
        Require(c.NumClasses >= 0, "num_classes", $"{c.NumClasses}; must be 0 (unconditional) or more");
        Require(c.ContextChannels >= 0, "context_channels", $"{c.ContextChannels}; must be 0 (none) or more");
        Require(c.TimeEmbedDim is null or >= 1, "time_embed_dim", $"{c.TimeEmbedDim}; must be at least 1");

        int[] factors = [.. Enumerable.Range(0, c.ChannelMult.Count).Select(level => 1 << level)];
        foreach (int resolution in c.AttentionResolutions)
        {
            Require(factors.Contains(resolution), "attention_resolutions",
                $"{resolution} is not a downsample factor of this network ({string.Join(", ", factors)})");
        }

        int[] channels = [c.ModelChannels, .. c.ChannelMult.Select(m => m * c.ModelChannels)];
        Require(c.NormGroups >= 1 && channels.All(ch => ch % c.NormGroups == 0), "norm_groups",
            $"{c.NormGroups} does not divide every channel count ({string.Join(", ", channels.Distinct())})");

        // The middle block always attends; so do the levels listed in attention_resolutions.
        IEnumerable<int> attended = c.ChannelMult
            .Where((_, level) => level == c.ChannelMult.Count - 1 || c.AttentionResolutions.Contains(1 << level))
            .Select(m => m * c.ModelChannels);
        foreach (int ch in attended)
        {
            Require(ch % c.NumHeadChannels == 0, "num_head_channels",
                $"{c.NumHeadChannels} does not divide the {ch} channels of an attention block");
        }
    }

    private static void Require(bool condition, string key, string problem)
    {
        if (!condition)
            throw new ArgumentException($"{key}: {problem}");
    }
}
