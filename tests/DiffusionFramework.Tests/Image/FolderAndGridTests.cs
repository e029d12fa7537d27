using DiffusionFramework.Abstractions;
using DiffusionFramework.Image.Codec;
using DiffusionFramework.Image.Data;
using DiffusionFramework.Image.Output;
using DiffusionFramework.Tests.Cli;
using TorchSharp;

namespace DiffusionFramework.Tests.Image;

public sealed class FolderAndGridTests
{
    [Fact]
    public void SubFoldersAreClassesInOrdinalOrderAndTopLevelFilesAreUnlabelled()
    {
        using var folder = new ScratchFolder();
        foreach (string name in new[] { "b", "B", "a" })
            Directory.CreateDirectory(folder[name]);
        TestImageFiles.SaveFlat(Path.Combine(folder["b"], "x.png"), 2, 2, 1);
        TestImageFiles.SaveFlat(Path.Combine(folder["B"], "x.png"), 2, 2, 2);
        Directory.CreateDirectory(Path.Combine(folder["a"], "deep"));
        TestImageFiles.SaveFlat(Path.Combine(folder["a"], "deep", "x.png"), 2, 2, 3);
        TestImageFiles.SaveFlat(folder["top.png"], 2, 2, 4);

        var contents = ImageFolder.Read(folder.Path, p => ImageFile.Read(p, 1));

        // Ordinal order: "B" (0x42) < "a" (0x61) < "b" (0x62).
        Assert.Equal(new[] { "B", "a", "b" }, contents.ClassNames);
        Assert.Equal(new (byte, int?)[] { (4, null), (2, 0), (3, 1), (1, 2) },
            contents.Items.Select(i => (i.Value.Pixels[0], i.Label)).ToArray());
    }

    [Fact]
    public void EmptyFolderIsAClearError()
    {
        using var folder = new ScratchFolder();
        var error = Assert.Throws<InvalidDataException>(() => ImageFolder.Read(folder.Path, p => ImageFile.Read(p, 1)));
        Assert.Contains(folder.Path, error.Message);
        Assert.Throws<DirectoryNotFoundException>(() => ImageFolder.Read(folder["none"], p => ImageFile.Read(p, 1)));
    }

    [Fact]
    public void GridPlacesTilesRowByRowWithPadding()
    {
        using var scope = torch.NewDisposeScope();
        // Three 2x2 tiles of values 1, 2, 3 in 2 columns with 1 pixel of padding value 0: 7x7, the fourth cell blank.
        torch.Tensor batch = torch.tensor(new float[] { 1, 2, 3 }).reshape(3, 1, 1, 1).expand(3, 1, 2, 2);
        float[,] expected =
        {
            { 0, 0, 0, 0, 0, 0, 0 },
            { 0, 1, 1, 0, 2, 2, 0 },
            { 0, 1, 1, 0, 2, 2, 0 },
            { 0, 0, 0, 0, 0, 0, 0 },
            { 0, 3, 3, 0, 0, 0, 0 },
            { 0, 3, 3, 0, 0, 0, 0 },
            { 0, 0, 0, 0, 0, 0, 0 },
        };

        torch.Tensor grid = ImageGrid.Tile(batch, columns: 2, padding: 1, padValue: 0);

        Assert.Equal(new long[] { 1, 7, 7 }, grid.shape);
        Assert.Equal(expected.Cast<float>().ToArray(), grid.contiguous().data<float>().ToArray());
    }

    [Fact]
    public void WriterWritesGridAndSinglesAndNeverOverwrites()
    {
        using var folder = new ScratchFolder();
        using var scope = torch.NewDisposeScope();
        torch.Tensor samples = torch.linspace(-1, 1, 12).reshape(12, 1, 1, 1).expand(12, 1, 3, 3);
        var conditioning = new Conditioning { ClassLabels = torch.arange(12, dtype: torch.int64) % 10 };
        File.WriteAllText(folder["sample.png"], "the user's file");
        var writer = new ImageSampleWriter();

        IReadOnlyList<string> files = writer.Write(samples, conditioning, folder.Path, "sample");

        Assert.Equal("the user's file", File.ReadAllText(folder["sample.png"]));
        Assert.Equal(13, files.Count);
        Assert.Equal(folder["sample-1.png"], files[0]);
        Assert.Equal(folder["sample-1-011-class1.png"], files[12]);
        PixelImage grid = ImageFile.Read(files[0], 1);
        // Ten columns and two rows of 3x3 tiles with 2 pixels of padding: 10·5+2 by 2·5+2.
        Assert.Equal((52, 12), (grid.Width, grid.Height));
        Assert.Equal(255, ImageFile.Read(files[12], 1).Pixels[0]);
        Assert.Equal(0, ImageFile.Read(files[1], 1).Pixels[0]);

        IReadOnlyList<string> again = writer.Write(samples, conditioning, folder.Path, "sample");
        Assert.Equal(folder["sample-2.png"], again[0]);
    }
}
