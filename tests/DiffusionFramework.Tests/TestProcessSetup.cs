using System.Runtime.CompilerServices;
using DiffusionFramework.Core.Devices;
using TorchSharp;

namespace DiffusionFramework.Tests;

/// <summary>Process-wide settings made once, before any test runs.</summary>
internal static class TestProcessSetup
{
    /// <summary>
    /// One intra-op thread: xunit already runs test classes in parallel, the networks under test are small (their
    /// intra-op workers only spin on a busy machine, ten times slower), and changing libtorch's thread count while
    /// other tests run ops is a race. Set here once instead of per test. NNPACK off, as in the CLI.
    /// </summary>
    [ModuleInitializer]
    internal static void Configure()
    {
        torch.set_num_threads(1);
        NnpackSwitch.Disable(); // as the CLI: no "Could not initialize NNPACK" flood in the test log on CPUs it does not support
    }
}
