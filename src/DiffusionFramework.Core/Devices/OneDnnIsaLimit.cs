namespace DiffusionFramework.Core.Devices;

/// <summary>
/// The instruction-set limit oneDNN (libtorch's CPU convolution library) reads from <c>ONEDNN_MAX_CPU_ISA</c> when
/// libtorch first initialises its CPU backend. The engine sets none: its convolutions
/// (<see cref="Networks.ChannelsLastConvolution"/>) compute correctly with every kernel oneDNN picks. A plugin that
/// calls libtorch's convolutions directly on contiguous tensors can have the user set it to <c>AVX</c> (see the
/// remarks of <see cref="Networks.ChannelsLastConvolution"/> for why).
/// </summary>
public static class OneDnnIsaLimit
{
    /// <summary>The environment variable oneDNN reads.</summary>
    public const string Variable = "ONEDNN_MAX_CPU_ISA";

    /// <summary>The limit the user set for this process, or null when oneDNN picks the kernels for the CPU.</summary>
    public static string? Current => Environment.GetEnvironmentVariable(Variable);
}
