using System.IO.Compression;
using System.Text.Json;
using DiffusionFramework.Core.Schedules;
using DiffusionFramework.Tests.Reference;
using Xunit.Abstractions;

namespace DiffusionFramework.Tests.Sampling.Multistep;

/// <summary>
/// The float32 kernels the VP solvers reproduce, against values computed by torch 1.13 and numpy 1.24 themselves in
/// the reference vectors' environment (Data/multistep/float32_kernels.json.gz): SLEEF's exp, log and expm1 behind
/// torch's CPU kernels and numpy's SIMD log. Every value must match bit for bit; the C library's correctly rounded
/// functions miss some of them, which is why the solvers do not use them.
/// </summary>
public class Float32KernelTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("torch_exp")]
    [InlineData("torch_log")]
    [InlineData("torch_expm1")]
    [InlineData("numpy_log")]
    public void MatchesTheLibraryBitForBit(string kernel)
    {
        using FileStream file = File.OpenRead(Path.Combine(AppContext.BaseDirectory, "Data", "multistep",
            "float32_kernels.json.gz"));
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using JsonDocument document = JsonDocument.Parse(gzip);
        JsonElement table = document.RootElement.GetProperty(kernel);
        double[] x = ReferenceData.Doubles(table.GetProperty("x"));
        double[] y = ReferenceData.Doubles(table.GetProperty("y"));
        (Func<float, float> port, Func<float, float> libm) = kernel switch
        {
            "torch_exp" => ((Func<float, float>)TorchFloat32.Exp, (Func<float, float>)MathF.Exp),
            "torch_log" => (TorchFloat32.Log, MathF.Log),
            "torch_expm1" => (TorchFloat32.Expm1, v => (float)(Math.Exp(v) - 1)),
            _ => (NumpyFloat32.Log, MathF.Log),
        };

        int mismatches = 0;
        int libmMismatches = 0;
        for (int i = 0; i < x.Length; i++)
        {
            float expected = (float)y[i];
            if (port((float)x[i]) != expected)
            {
                mismatches++;
                output.WriteLine($"{kernel}({x[i]:R}) = {port((float)x[i]):R}, expected {expected:R}");
            }

            libmMismatches += libm((float)x[i]) != expected ? 1 : 0;
        }

        output.WriteLine($"{kernel}: {x.Length} values; the C library differs at {libmMismatches}");
        Assert.Equal(0, mismatches);
        Assert.True(x.Length >= 2000);
    }

    [Fact]
    public void SpecialValues()
    {
        Assert.Equal(float.NegativeInfinity, TorchFloat32.Log(0f));
        Assert.True(float.IsNaN(TorchFloat32.Log(-1f)));
        Assert.Equal(float.PositiveInfinity, TorchFloat32.Log(float.PositiveInfinity));
        Assert.Equal(0f, TorchFloat32.Exp(float.NegativeInfinity));
        Assert.Equal(float.PositiveInfinity, TorchFloat32.Exp(float.PositiveInfinity));
        Assert.Equal(-1f, TorchFloat32.Expm1(float.NegativeInfinity));
        Assert.Equal(0f, TorchFloat32.Log(1f));
        Assert.Equal(1f, TorchFloat32.Exp(0f));
        Assert.Equal(float.NegativeInfinity, NumpyFloat32.Log(0f));
        Assert.True(float.IsNaN(NumpyFloat32.Log(-2f)));
        Assert.Equal(BitConverter.Int32BitsToSingle(0x3F317218), NumpyFloat32.Log(2f));
    }
}
