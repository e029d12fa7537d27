using System.Xml.Linq;
using DiffusionFramework.Abstractions;
using Points2d.Data;
using Points2d.Output;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionFramework.Tests.Points2d;

/// <summary>Reading points from CSV, and writing samples as CSV and SVG.</summary>
public sealed class CsvAndWriterTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("points2d-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private string File(string name, string text)
    {
        string path = Path.Combine(folder, name);
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    [Theory]
    [InlineData("x,y\n1,2\n3.5,-4e-1\n")]
    [InlineData("1,2\r\n 3.5 , -0.4\r\n\r\n")]
    public void ReadsRowsWithOrWithoutHeader(string text)
    {
        using var scope = NewDisposeScope();
        Tensor points = PointsCsv.Read(File("p.csv", text));
        Assert.Equal([2L, 2], points.shape);
        Assert.Equal(new[] { 1f, 2f, 3.5f, -0.4f }, points.data<float>().ToArray());
    }

    [Theory]
    [InlineData("x,y\n1,2\n1,abc\n", 3)]
    [InlineData("1,2\n1,2,3\n", 2)]
    [InlineData("1\n", 1)]
    [InlineData("x,y\n0,0\nNaN,1\n", 3)]
    [InlineData("0,0\n\n1,Infinity\n", 3)]
    [InlineData("1;2\n", 1)]
    public void BadRowsNameTheFileAndLine(string text, int line)
    {
        string path = File("bad.csv", text);
        var error = Assert.Throws<InvalidDataException>(() => PointsCsv.Read(path));
        Assert.StartsWith($"{path}:{line}:", error.Message);
    }

    [Fact]
    public void EmptyMissingAndOversizedFilesAreRejected()
    {
        string empty = File("empty.csv", "x,y\n\n");
        Assert.Contains("no points", Assert.Throws<InvalidDataException>(() => PointsCsv.Read(empty)).Message);
        string missing = Path.Combine(folder, "missing.csv");
        Assert.StartsWith(missing, Assert.Throws<InvalidDataException>(() => PointsCsv.Read(missing)).Message);
        string huge = Path.Combine(folder, "huge.csv");
        using (var stream = new FileStream(huge, FileMode.CreateNew))
            stream.SetLength(PointsCsv.MaxFileBytes + 1);
        var error = Assert.Throws<InvalidDataException>(() => PointsCsv.Read(huge));
        Assert.StartsWith(huge, error.Message);
        Assert.Contains("limit", error.Message);
    }

    [Fact]
    public void TooManyRowsAreRejectedAtTheFirstExtraLine()
    {
        string path = Path.Combine(folder, "many.csv");
        System.IO.File.WriteAllText(path, string.Concat(Enumerable.Repeat("0,0\n", PointsCsv.MaxRows + 1)));
        var error = Assert.Throws<InvalidDataException>(() => PointsCsv.Read(path));
        Assert.StartsWith($"{path}:{PointsCsv.MaxRows + 1}:", error.Message);
    }

    [Fact]
    public void WriterRoundTripsThroughTheReaderExactly()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(9, CPU);
        Tensor samples = randn([300, 2], generator: generator) * 1e3;
        IReadOnlyList<string> written = new PointsSampleWriter().Write(samples, Conditioning.None, folder, "sample");
        Assert.Equal([Path.Combine(folder, "sample.csv"), Path.Combine(folder, "sample.svg")], written);
        Tensor read = PointsCsv.Read(written[0]);
        Assert.Equal(samples.shape, read.shape);
        Assert.True(read.eq(samples).all().item<bool>());
        XDocument svg = XDocument.Load(written[1]);
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal(300, svg.Descendants(ns + "circle").Count());
        Assert.Empty(Directory.GetFiles(folder, "*.tmp"));
    }

    [Fact]
    public void WriterNeverReplacesExistingFiles()
    {
        using var scope = NewDisposeScope();
        string user = File("sample.svg", "user's own file");
        var writer = new PointsSampleWriter();
        IReadOnlyList<string> first = writer.Write(zeros(3, 2), Conditioning.None, folder, "sample");
        IReadOnlyList<string> second = writer.Write(ones(3, 2), Conditioning.None, folder, "sample");
        Assert.Equal(Path.Combine(folder, "sample-1.csv"), first[0]);
        Assert.Equal(Path.Combine(folder, "sample-2.csv"), second[0]);
        Assert.Equal("user's own file", System.IO.File.ReadAllText(user));
        Assert.Equal("x,y\n1,1\n1,1\n1,1\n", System.IO.File.ReadAllText(second[0]));
    }

    [Fact]
    public void WriterRejectsBadInput()
    {
        using var scope = NewDisposeScope();
        var writer = new PointsSampleWriter();
        Assert.Throws<ArgumentException>(() => writer.Write(zeros(3, 3), Conditioning.None, folder, "s"));
        Assert.Throws<ArgumentException>(() => writer.Write(zeros(3, 2), Conditioning.None, folder, "a/b"));
        Assert.Throws<DirectoryNotFoundException>(() =>
            writer.Write(zeros(3, 2), Conditioning.None, Path.Combine(folder, "none"), "s"));
    }
}
