using DiffusionFramework.Abstractions;
using Points2d;
using TorchSharp;

namespace DiffusionFramework.Tests.Points2d;

/// <summary>points2d's <see cref="ISampleReader"/>: CSV samples and masks, and no context.</summary>
public sealed class PointsSampleReaderTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("points2d-reader-").FullName;
    private readonly IModality _modality = new Points2dModality();

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private ISampleReader Reader => _modality.Reader!;

    private string File(string name, string text)
    {
        string path = Path.Combine(_folder, name);
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void SamplesOfSeveralFilesAreOneBatchInOrder()
    {
        using var scope = torch.NewDisposeScope();
        string a = File("a.csv", "x,y\n1,2\n"), b = File("b.csv", "3,4\n-5.5,6e-1\n");
        torch.Tensor samples = Reader.ReadSamples([a, b], _modality.DefaultNetworkConfig(), torch.CPU);
        Assert.Equal([3L, 2L], samples.shape);
        Assert.Equal(torch.ScalarType.Float32, samples.dtype);
        Assert.Equal([1f, 2f, 3f, 4f, -5.5f, 0.6f], samples.data<float>().ToArray());
    }

    [Fact]
    public void MaskIsReadAsRowsInZeroToOne()
    {
        using var scope = torch.NewDisposeScope();
        torch.Tensor one = Reader.ReadMask(File("m1.csv", "mx,my\n0,1\n"), _modality.DefaultNetworkConfig(), torch.CPU);
        Assert.Equal([1L, 2L], one.shape);
        Assert.Equal([0f, 1f], one.data<float>().ToArray());
        torch.Tensor rows = Reader.ReadMask(File("m2.csv", "0,0.5\n1,0\n"), _modality.DefaultNetworkConfig(), torch.CPU);
        Assert.Equal([0f, 0.5f, 1f, 0f], rows.data<float>().ToArray());
    }

    [Fact]
    public void ErrorsNameTheFile()
    {
        string missing = Path.Combine(_folder, "missing.csv");
        var notFound = Assert.Throws<FileNotFoundException>(() => Reader.ReadSamples([missing], _modality.DefaultNetworkConfig(), torch.CPU));
        Assert.Equal($"{missing}: file not found", notFound.Message);

        string bad = File("bad.csv", "1,2\n3\n");
        var badRow = Assert.Throws<InvalidDataException>(() => Reader.ReadSamples([bad], _modality.DefaultNetworkConfig(), torch.CPU));
        Assert.StartsWith($"{bad}:2: expected two finite numbers", badRow.Message);

        string outside = File("mask.csv", "0,-0.5\n");
        var range = Assert.Throws<InvalidDataException>(() => Reader.ReadMask(outside, _modality.DefaultNetworkConfig(), torch.CPU));
        Assert.Equal($"{outside}: mask values must lie in [0, 1] (1 = regenerate, 0 = keep), got values in [-0.5, 0]", range.Message);

        var context = Assert.Throws<NotSupportedException>(() => Reader.ReadContext([bad], _modality.DefaultNetworkConfig(), torch.CPU));
        Assert.Equal($"{bad}: points2d models take no context, so context files are not supported", context.Message);
    }
}
