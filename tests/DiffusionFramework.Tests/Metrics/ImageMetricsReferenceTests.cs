using System.Text.Json;
using DiffusionFramework.Core.Metrics;
using static TorchSharp.torch;

namespace DiffusionFramework.Tests.Metrics;

/// <summary>
/// <see cref="PeakSignalToNoiseRatio"/> and <see cref="StructuralSimilarity"/> against scikit-image 0.19.3
/// (<c>peak_signal_noise_ratio</c> and <c>structural_similarity</c> with Wang et al.'s settings) on the seeded image
/// pairs of Data/metrics/image_metrics.json, written by Reference/python/make_image_metrics.py.
/// </summary>
public class ImageMetricsReferenceTests
{
    private const double RelativeTolerance = 1e-6;

    private static readonly Lazy<JsonDocument> Document = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Data", "metrics", "image_metrics.json"))));

    /// <summary>The case names in the reference file.</summary>
    public static TheoryData<string> Cases()
    {
        var names = new TheoryData<string>();
        foreach (JsonElement c in Document.Value.RootElement.GetProperty("cases").EnumerateArray())
            names.Add(c.GetProperty("name").GetString()!);
        return names;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void PsnrMatchesScikitImage(string name)
    {
        var (predicted, target, dataRange, expected) = Load(name, "psnr");
        using (predicted)
        using (target)
            AssertClose(expected, PeakSignalToNoiseRatio.Compute(predicted, target, dataRange));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void SsimMatchesScikitImage(string name)
    {
        var (predicted, target, dataRange, expected) = Load(name, "ssim");
        using (predicted)
        using (target)
            AssertClose(expected, StructuralSimilarity.Compute(predicted, target, dataRange));
    }

    [Fact]
    public void Float32InputsGiveTheFloat64ResultOfTheirValues()
    {
        // The metrics upcast to float64 first: float32 images score as the float64 images of the same values.
        var (predicted, target, dataRange, _) = Load("gray_24x24_unit_range", "ssim");
        using (predicted)
        using (target)
        using (Tensor p32 = predicted.to(float32), t32 = target.to(float32))
        using (Tensor p64 = p32.to(float64), t64 = t32.to(float64))
        {
            Assert.Equal(StructuralSimilarity.Compute(p64, t64, dataRange), StructuralSimilarity.Compute(p32, t32, dataRange));
            Assert.Equal(PeakSignalToNoiseRatio.Compute(p64, t64, dataRange), PeakSignalToNoiseRatio.Compute(p32, t32, dataRange));
        }
    }

    private static (Tensor Predicted, Tensor Target, double DataRange, double[] Expected) Load(string name, string metric)
    {
        JsonElement c = Document.Value.RootElement.GetProperty("cases").EnumerateArray()
            .Single(e => e.GetProperty("name").GetString() == name);
        long[] shape = c.GetProperty("shape").EnumerateArray().Select(v => v.GetInt64()).ToArray();
        Tensor predicted = tensor(Doubles(c.GetProperty("predicted")), shape);
        Tensor target = tensor(Doubles(c.GetProperty("target")), shape);
        return (predicted, target, c.GetProperty("data_range").GetDouble(), Doubles(c.GetProperty(metric)));
    }

    private static double[] Doubles(JsonElement array) => array.EnumerateArray().Select(v => v.GetDouble()).ToArray();

    private static void AssertClose(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(actual[i] - expected[i]) <= RelativeTolerance * Math.Abs(expected[i]),
                $"image {i}: expected {expected[i]:R}, got {actual[i]:R}");
    }
}
