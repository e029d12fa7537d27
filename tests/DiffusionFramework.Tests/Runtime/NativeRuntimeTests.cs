using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionFramework.Tests.Runtime;

/// <summary>libtorch and libLibTorchSharp load from the build output and compute.</summary>
public class NativeRuntimeTests
{
    [Fact]
    public void TorchSharpLoadsAndComputes()
    {
        using var scope = NewDisposeScope();
        Tensor a = arange(6, dtype: float32).reshape(2, 3);
        Tensor b = ones(3, 2, dtype: float32);
        float total = matmul(a, b).sum().item<float>();
        Assert.Equal(30f, total);
    }

    [Fact]
    public void NativeFallbackFolderIsNotCreated()
    {
        // TorchSharp copies the natives into a 'cpu' folder when the regular load fails; it must not need to.
        _ = zeros(1);
        string fallback = Path.Combine(AppContext.BaseDirectory, "cpu");
        Assert.False(Directory.Exists(fallback), $"native fallback folder {fallback} exists");
    }

    [Fact]
    public void OutputCopyOfLibTorchSharpIsPatchedAndCacheIsNot()
    {
        string output = Directory.GetFiles(AppContext.BaseDirectory, "libLibTorchSharp.so", SearchOption.AllDirectories)
            .Single();
        string home = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                      ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string cached = Path.Combine(home, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Assert.True(File.Exists(cached), $"expected the NuGet cache copy at {cached}");
        Assert.Equal(0x2, VersionNeedFlags(File.ReadAllBytes(output), "GLIBCXX_3.4.32") & 0x2);
        Assert.Equal(0, VersionNeedFlags(File.ReadAllBytes(cached), "GLIBCXX_3.4.32") & 0x2);
    }

    /// <summary>vna_flags of the version need named <paramref name="version"/> in .gnu.version_r.</summary>
    private static int VersionNeedFlags(byte[] elf, string version)
    {
        long shoff = (long)BitConverter.ToUInt64(elf, 0x28);
        int shentsize = BitConverter.ToUInt16(elf, 0x3A), shnum = BitConverter.ToUInt16(elf, 0x3C);
        long Header(int i) => shoff + (long)i * shentsize;
        for (int i = 0; i < shnum; i++)
        {
            if (BitConverter.ToUInt32(elf, (int)Header(i) + 4) != 0x6ffffffe)
                continue;
            long offset = (long)BitConverter.ToUInt64(elf, (int)Header(i) + 0x18);
            int link = (int)BitConverter.ToUInt32(elf, (int)Header(i) + 0x28);
            long strtab = (long)BitConverter.ToUInt64(elf, (int)Header(link) + 0x18);
            for (long need = offset; ; )
            {
                long aux = need + BitConverter.ToUInt32(elf, (int)need + 8);
                for (int j = 0; j < BitConverter.ToUInt16(elf, (int)need + 2); j++)
                {
                    long name = strtab + BitConverter.ToUInt32(elf, (int)aux + 8);
                    int end = Array.IndexOf(elf, (byte)0, (int)name);
                    if (System.Text.Encoding.ASCII.GetString(elf, (int)name, end - (int)name) == version)
                        return BitConverter.ToUInt16(elf, (int)aux + 4);
                    aux += BitConverter.ToUInt32(elf, (int)aux + 12);
                }
                uint next = BitConverter.ToUInt32(elf, (int)need + 12);
                if (next == 0)
                    break;
                need += next;
            }
        }
        throw new InvalidOperationException($"{version} is not a version need of this library");
    }
}
