using DiffusionFramework.Core.Training;

namespace DiffusionFramework.Tests.Training;

/// <summary>Finding and pruning <c>checkpoint-&lt;step&gt;</c> folders.</summary>
public sealed class CheckpointFoldersTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "df-ckfolders-" + Guid.NewGuid().ToString("N"));

    public CheckpointFoldersTests()
    {
        foreach (string name in new[] { "checkpoint-10", "checkpoint-2", "checkpoint-1", "checkpoint-x", "checkpoint-3.tmp", "other" })
            Directory.CreateDirectory(Path.Combine(_root, name));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void ListsNumberedFoldersByStep()
    {
        var folders = CheckpointFolders.List(_root);
        Assert.Equal(new long[] { 1, 2, 10 }, folders.Select(f => f.Step).ToArray());
        Assert.Equal(CheckpointFolders.For(_root, 10), folders[^1].Path);
        Assert.Empty(CheckpointFolders.List(Path.Combine(_root, "missing")));
    }

    [Fact]
    public void PruneKeepsTheNewestAndNothingElse()
    {
        var deleted = CheckpointFolders.Prune(_root, keep: 2);
        Assert.Equal(new[] { CheckpointFolders.For(_root, 1) }, deleted);
        Assert.Equal(new[] { "checkpoint-10", "checkpoint-2", "checkpoint-3.tmp", "checkpoint-x", "other" },
            Directory.GetDirectories(_root).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray());
    }
}
