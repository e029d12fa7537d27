using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace DiffusionFramework.Core.Devices;

/// <summary>
/// Works around wrong CPU convolutions of the oneDNN bundled with libtorch 2.10 (TorchSharp 0.107), seen on an AMD EPYC
/// with AVX-512: with AVX-512 kernels some shapes (Conv1d 24 → 16 channels, kernel 3) return arbitrary values, often
/// NaN, on their first call; with AVX2 kernels the input gradient of a 64 → 1 channel 3×3 convolution is wrong (NaN
/// from batch 32). With AVX (and SSE4.1) kernels every case matches float64. So oneDNN is limited to AVX.
/// </summary>
/// <remarks>
/// oneDNN reads the limit when libtorch first initialises its CPU backend (any torch call, e.g. set_num_threads), so
/// hosts call <see cref="Apply"/> first thing; the engine also calls it when its assembly loads. It sets <c>ONEDNN_MAX_CPU_ISA=AVX</c>
/// in the native environment unless the user already set
/// <c>ONEDNN_MAX_CPU_ISA</c> or <c>DNNL_MAX_CPU_ISA</c>; a user who wants AVX-512 kernels can set either to
/// <c>ALL</c> (tests/DiffusionFramework.Tests/Networks/ConvolutionCorrectnessTests then shows whether that machine
/// computes correctly). Only on Linux x64 CPUs with AVX2: elsewhere nothing changes.
/// </remarks>
public static class OneDnnIsaLimit
{
    /// <summary>The environment variable oneDNN reads.</summary>
    public const string Variable = "ONEDNN_MAX_CPU_ISA";

#pragma warning disable CA2255 // A library initializer on purpose: it must run before the engine's first convolution.
    /// <summary>Sets the limit unless the user set one; idempotent. Call before the first torch call of the process.</summary>
    [ModuleInitializer]
    public static void Apply()
    {
        if (!OperatingSystem.IsLinux() || !Avx2.IsSupported)
            return;
        if (Environment.GetEnvironmentVariable(Variable) is not null
            || Environment.GetEnvironmentVariable("DNNL_MAX_CPU_ISA") is not null)
            return;
        // .NET's Environment.SetEnvironmentVariable does not reach the native environment on Unix: call libc.
        _ = setenv(Variable, "AVX", 0);
    }
#pragma warning restore CA2255

    /// <summary>The limit oneDNN will read: the native environment's value (which <see cref="Apply"/> sets and .NET's
    /// <see cref="Environment.GetEnvironmentVariable(string)"/> does not see), or null when unset or off Unix.</summary>
    public static string? Current =>
        OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() ? Marshal.PtrToStringAnsi(getenv(Variable)) : Environment.GetEnvironmentVariable(Variable);

    [DllImport("libc", CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern int setenv(string name, string value, int overwrite);

    [DllImport("libc", CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern IntPtr getenv(string name);
}
