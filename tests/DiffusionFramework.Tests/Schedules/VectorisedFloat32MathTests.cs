using DiffusionFramework.Core.Schedules;

namespace DiffusionFramework.Tests.Schedules;

/// <summary>
/// The emulated vectorised float32 kernels that diffusers' σ tables go through: torch 1.13's <c>exp</c> (SLEEF
/// expf) and numpy 1.24's <c>log</c>. Expected values: inputs where torch / numpy (Debian bookworm builds, AVX2
/// kernels) differ from the correctly rounded result, recorded from those libraries; elsewhere, the documented error
/// bounds against the correctly rounded value (1 ulp for SLEEF expf, 4 ulp for numpy's log).
/// </summary>
public class VectorisedFloat32MathTests
{
    [Theory]
    [InlineData(1093615033, 1197411468)] // exp(10.952569) = 57100.546875 (correctly rounded: 57100.55)
    [InlineData(1093323143, 1193859624)]
    [InlineData(1058838023, 1072428980)]
    [InlineData(1077646820, 1100347768)]
    public void ExpEqualsTorchWhereTorchIsNotCorrectlyRounded(int inputBits, int torchBits)
    {
        float x = BitConverter.Int32BitsToSingle(inputBits);
        Assert.NotEqual(torchBits, BitConverter.SingleToInt32Bits((float)Math.Exp(x)));
        Assert.Equal(torchBits, BitConverter.SingleToInt32Bits(TorchFloat32.Exp(x)));
    }

    [Theory]
    [InlineData(0x3ec87434, unchecked((int)0xbf700fbe))]
    [InlineData(0x4373aa85, 0x40afdd96)]
    [InlineData(0x40c665c8, 0x3fe98a6e)]
    [InlineData(0x3f9a46d8, 0x3e3f32ed)]
    public void LogEqualsNumpyWhereNumpyIsNotCorrectlyRounded(int inputBits, int numpyBits)
    {
        float x = BitConverter.Int32BitsToSingle(inputBits);
        Assert.NotEqual(numpyBits, BitConverter.SingleToInt32Bits((float)Math.Log(x)));
        Assert.Equal(numpyBits, BitConverter.SingleToInt32Bits(NumpyFloat32.Log(x)));
    }

    [Fact]
    public void ExpIsWithinOneUlpAndLogWithinFourUlpsEverywhere()
    {
        for (float x = -87f; x < 88f; x += 0.00731f)
        {
            Assert.True(Ulps(TorchFloat32.Exp(x), (float)Math.Exp(x)) <= 1, $"exp({x})");
        }

        for (float x = 1e-30f; x < 1e30f; x *= 1.00931f)
        {
            Assert.True(Ulps(NumpyFloat32.Log(x), (float)Math.Log(x)) <= 4, $"log({x})");
        }

        Assert.Equal(0f, TorchFloat32.Exp(float.NegativeInfinity));
        Assert.Equal(0f, TorchFloat32.Exp(-200f));
        Assert.Equal(float.PositiveInfinity, TorchFloat32.Exp(120f));
        Assert.Equal(float.NegativeInfinity, NumpyFloat32.Log(0f));
        Assert.True(float.IsNaN(NumpyFloat32.Log(-1f)));
    }

    private static long Ulps(float a, float b) =>
        Math.Abs((long)BitConverter.SingleToInt32Bits(a) - BitConverter.SingleToInt32Bits(b));
}
