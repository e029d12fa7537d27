using DiffusionFramework.Core.Networks;

namespace DiffusionFramework.Tests.Networks;

/// <summary>Small U-Net configurations that build and run in milliseconds.</summary>
internal static class UNetTestConfigs
{
    /// <summary>2-D, two levels, attention at the half-resolution level, 3 classes.</summary>
    public static UNetConfig Tiny2d { get; } = new()
    {
        Dims = 2,
        InChannels = 1,
        OutChannels = 1,
        ModelChannels = 8,
        ChannelMult = [1, 2],
        NumResBlocks = 1,
        AttentionResolutions = [2],
        NumHeadChannels = 8,
        NumClasses = 3,
        NormGroups = 4,
        TimeEmbedDim = 16,
    };

    /// <summary>1-D, three levels, attention at full resolution, a 2-channel context, additive time embedding.</summary>
    public static UNetConfig Tiny1d { get; } = new()
    {
        Dims = 1,
        InChannels = 3,
        OutChannels = 2,
        ModelChannels = 8,
        ChannelMult = [1, 1, 2],
        NumResBlocks = 2,
        AttentionResolutions = [1],
        NumHeadChannels = 4,
        ContextChannels = 2,
        NormGroups = 2,
        UseScaleShiftNorm = false,
    };
}
