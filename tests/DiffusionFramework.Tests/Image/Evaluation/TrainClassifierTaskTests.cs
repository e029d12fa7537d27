using DiffusionFramework.Abstractions;
using DiffusionFramework.Image.Evaluation;

namespace DiffusionFramework.Tests.Image.Evaluation;

/// <summary>The train-classifier verb's contract and its option errors (no training is run).</summary>
public class TrainClassifierTaskTests
{
    private static readonly IServiceProvider NoServices = new NoServiceProvider();

    [Fact]
    public void DeclaresItsVerbAndOptions()
    {
        var task = new TrainClassifierTask();
        Assert.Equal("train-classifier", task.Name);
        Assert.Equal("image", task.Modality);
        Assert.True(task.Options.Single(o => o.Name == "out").Required);
        Assert.Equal("600", task.Options.Single(o => o.Name == "steps").Default);
        Assert.Equal("0", task.Options.Single(o => o.Name == "seed").Default);
    }

    [Fact]
    public void RejectsMissingOutFolderOutAndBadIntegers()
    {
        var task = new TrainClassifierTask();
        Assert.Contains("--out is required", Assert.Throws<ArgumentException>(() => Run(task, [])).Message);
        Assert.Contains("--out is required", Assert.Throws<ArgumentException>(() => Run(task, new() { ["out"] = " " })).Message);
        string folder = Path.GetTempPath();
        Assert.Contains("is a folder", Assert.Throws<ArgumentException>(() => Run(task, new() { ["out"] = folder })).Message);
        string file = Path.Combine(Path.GetTempPath(), $"{Guid.NewGuid():N}.safetensors");
        Assert.Contains("--steps must be an integer, got 'ten'",
            Assert.Throws<ArgumentException>(() => Run(task, new() { ["out"] = file, ["steps"] = "ten" })).Message);
        Assert.Contains("steps must be at least 1",
            Assert.Throws<ArgumentException>(() => Run(task, new() { ["out"] = file, ["steps"] = "0" })).Message);
        Assert.False(File.Exists(file));
    }

    private static int Run(TrainClassifierTask task, Dictionary<string, string> options) =>
        task.Run(new TaskInvocation(options, NoServices, TextWriter.Null), CancellationToken.None);

    private sealed class NoServiceProvider : IServiceProvider
    {
        public object? GetService(Type serviceType) => null;
    }
}
