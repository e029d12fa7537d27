using System.Text.Json.Nodes;
using DiffusionFramework.Abstractions;
using Microsoft.Extensions.DependencyInjection;
using Points2d;
using Points2d.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionFramework.Tests.Points2d;

/// <summary>The plugin registration and the modality's data, noise, conditioning and metric list.</summary>
public class ModalityTests
{
    private static readonly Points2dModality Modality = new();

    [Fact]
    public void PluginRegistersOneModalityEvenWhenCalledTwice()
    {
        var plugin = new Points2dPlugin();
        Assert.Equal("points2d", plugin.Info.Id);
        Assert.Equal("points2d", plugin.Info.Modality);
        var services = new ServiceCollection();
        plugin.ConfigureServices(services);
        plugin.ConfigureServices(services);
        using ServiceProvider provider = services.BuildServiceProvider();
        IModality modality = Assert.Single(provider.GetServices<IModality>());
        Assert.Equal("points2d", modality.Name);
        Assert.IsType<Points2dModality>(modality);
    }

    [Fact]
    public void BuiltInDatasetIsFixedAndFollowsTheConfiguredDistribution()
    {
        using var scope = NewDisposeScope();
        var config = new JsonObject { ["distribution"] = "8gaussians", ["dataset_size"] = 4000 };
        using var first = (PointsDataset)Modality.OpenDataset(null, config);
        using var second = (PointsDataset)Modality.OpenDataset(null, config);
        Assert.Equal(4000, first.Count);
        Assert.Contains("8gaussians", first.Name);
        long[] indices = [0, 17, 3999];
        DataBatch batch = first.GetBatch(indices, CPU);
        Assert.Equal([3L, 2], batch.X0.shape);
        Assert.Same(Conditioning.None, batch.Conditioning);
        Assert.True(batch.X0.eq(second.GetBatch(indices, CPU).X0).all().item<bool>());
        Tensor all = first.GetBatch(Enumerable.Range(0, 4000).Select(i => (long)i).ToArray(), CPU).X0;
        Assert.Equal(Math.Sqrt(2), all.norm(1).mean().item<float>(), 0.01);
        Assert.Throws<ArgumentOutOfRangeException>(() => first.GetBatch([4000], CPU));
        Assert.Throws<ArgumentOutOfRangeException>(() => first.GetBatch([-1], CPU));
    }

    [Fact]
    public void DatasetSurvivesTheScopeItWasOpenedIn()
    {
        PointsDataset dataset;
        using (NewDisposeScope())
            dataset = (PointsDataset)Modality.OpenDataset(null, Modality.DefaultNetworkConfig());
        using var scope = NewDisposeScope();
        Assert.Equal(20_000, dataset.Count);
        Assert.Equal([1L, 2], dataset.GetBatch([5], CPU).X0.shape);
        dataset.Dispose();
    }

    [Fact]
    public void CsvDatasetReadsTheFileAndBadFilesNameIt()
    {
        using var scope = NewDisposeScope();
        string folder = Directory.CreateTempSubdirectory("points2d-").FullName;
        try
        {
            string good = Path.Combine(folder, "points.csv");
            File.WriteAllText(good, "x,y\n0.5,1\n-2,3\n");
            using var dataset = (PointsDataset)Modality.OpenDataset(good, Modality.DefaultNetworkConfig());
            Assert.Equal(2, dataset.Count);
            Assert.Equal(new[] { -2f, 3f }, dataset.GetBatch([1], CPU).X0.data<float>().ToArray());
            string bad = Path.Combine(folder, "bad.csv");
            File.WriteAllText(bad, "0,0\nx\n");
            var error = Assert.Throws<InvalidDataException>(() => Modality.OpenDataset(bad, Modality.DefaultNetworkConfig()));
            Assert.StartsWith($"{bad}:2:", error.Message);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void NoiseIsSeededStandardGaussian()
    {
        using var scope = NewDisposeScope();
        using var g1 = new Generator(11, CPU);
        using var g2 = new Generator(11, CPU);
        Tensor a = Modality.NoiseSampler.Sample([50_000, 2], float32, CPU, g1, null);
        Tensor b = Modality.NoiseSampler.Sample([50_000, 2], float32, CPU, g2, Conditioning.None);
        Assert.True(a.eq(b).all().item<bool>());
        Assert.Equal(0.0, a.mean().item<float>(), 0.02);
        Assert.Equal(1.0, a.std().item<float>(), 0.02);
        Assert.Equal(float64, Modality.NoiseSampler.Sample([2], float64, CPU, null, null).dtype);
    }

    [Fact]
    public void SamplingTakesNoConditioningAndRejectsOptions()
    {
        Assert.Same(Conditioning.None, Modality.SamplingConditioning(4, new Dictionary<string, string>(), CPU));
        var error = Assert.Throws<ArgumentException>(() =>
            Modality.SamplingConditioning(4, new Dictionary<string, string> { ["class"] = "1" }, CPU));
        Assert.Contains("class", error.Message);
    }

    [Theory]
    [InlineData("two_moons")]
    [InlineData("8gaussians")]
    [InlineData("swiss_roll")]
    public void MetricsScoreTheConfiguredDistributionAndAreLowerIsBetter(string distribution)
    {
        JsonObject config = Modality.DefaultNetworkConfig();
        config["distribution"] = distribution;
        IReadOnlyList<IMetric> metrics = Modality.CreateMetrics(config);
        Assert.Equal([$"sliced_wasserstein_{distribution}", $"mmd_rbf_{distribution}"], metrics.Select(m => m.Name));
        Assert.All(metrics, m => Assert.False(m.HigherIsBetter));
    }
}
