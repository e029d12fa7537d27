using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace DiffusionFramework.Core.Devices;

/// <summary>
/// Works around wrong CPU convolutions of the oneDNN bundled with libtorch 2.10 (TorchSharp 0.107): on an AVX-512
/// machine (seen on AMD EPYC with AVX-512) some shapes, e.g. Conv1d 24 → 16 channels, kernel 3, return arbitrary
/// values (often NaN) on their first call and differ between calls. Limiting oneDNN to AVX2 kernels makes them exact.
/// </summary>
/// <remarks>
/// Runs once when the engine assembly loads, before any engine network runs. It sets <c>ONEDNN_MAX_CPU_ISA=AVX2</c>
/// in the native environment (oneDNN reads it when it first dispatches a kernel) unless the user already set
/// <c>ONEDNN_MAX_CPU_ISA</c> or <c>DNNL_MAX_CPU_ISA</c>; a user who wants AVX-512 kernels can set either to
/// <c>ALL</c>. Only on Linux x64 CPUs with AVX-512: elsewhere nothing changes.
/// </remarks>
internal static class OneDnnIsaLimit
{
    internal const string Variable = "ONEDNN_MAX_CPU_ISA";

#pragma warning disable CA2255 // A library initializer on purpose: it must run before the engine's first convolution.
    [ModuleInitializer]
    internal static void Apply()
    {
        if (!OperatingSystem.IsLinux() || !Avx512F.IsSupported)
            return;
        if (Environment.GetEnvironmentVariable(Variable) is not null
            || Environment.GetEnvironmentVariable("DNNL_MAX_CPU_ISA") is not null)
            return;
        // .NET's Environment.SetEnvironmentVariable does not reach the native environment on Unix: call libc.
        _ = setenv(Variable, "AVX2", 0);
    }
#pragma warning restore CA2255

    [DllImport("libc", CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern int setenv(string name, string value, int overwrite);
}
