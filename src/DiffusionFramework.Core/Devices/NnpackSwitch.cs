using System.Runtime.InteropServices;

namespace DiffusionFramework.Core.Devices;

/// <summary>
/// Turns libtorch's NNPACK convolution path off. libtorch tries NNPACK for CPU inference convolutions from batch 16
/// whenever oneDNN declines them, and on CPUs NNPACK does not support (e.g. this project's AMD EPYC) every such call
/// prints "Could not initialize NNPACK! Reason: Unsupported hardware." to standard error before falling back to its
/// own kernels. With NNPACK off libtorch goes straight to those kernels: the numbers are the same, the log is clean.
/// </summary>
/// <remarks>
/// libtorch exposes the switch only as a C++ member, <c>at::globalContext().setUserEnabledNNPACK(false)</c>; it is
/// called through its Itanium-mangled exports of <c>libtorch_cpu</c>, so only on Linux, and only once TorchSharp has
/// loaded libtorch (<see cref="Disable"/> makes a torch call first). Where the exports are missing it does nothing.
/// </remarks>
public static class NnpackSwitch
{
    private static int _done;

    /// <summary>Turns NNPACK off for the process (idempotent; a no-op off Linux or without the exports).</summary>
    public static void Disable()
    {
        if (!OperatingSystem.IsLinux() || Interlocked.Exchange(ref _done, 1) == 1)
            return;
        _ = TorchSharp.torch.get_num_threads(); // makes TorchSharp load libtorch, whose exports the calls below bind to
        try
        {
            SetUserEnabledNnpack(GlobalContext(), false);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Another libtorch build: keep its default.
        }
    }

    /// <summary>Whether libtorch may use NNPACK (null off Linux or without the exports).</summary>
    public static bool? Enabled
    {
        get
        {
            if (!OperatingSystem.IsLinux())
                return null;
            _ = TorchSharp.torch.get_num_threads();
            try
            {
                return UserEnabledNnpack(GlobalContext());
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                return null;
            }
        }
    }

    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at13globalContextEv")]
    private static extern IntPtr GlobalContext();

    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at7Context20setUserEnabledNNPACKEb")]
    private static extern void SetUserEnabledNnpack(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

    [DllImport("libtorch_cpu", EntryPoint = "_ZNK2at7Context17userEnabledNNPACKEv")]
    [return: MarshalAs(UnmanagedType.U1)]
    private static extern bool UserEnabledNnpack(IntPtr context);
}
