namespace DiffusionFramework.Image.Data;

/// <summary>
/// The image files of a training folder: files directly in it are unlabelled; each sub-folder is a class, numbered in
/// ordinal order of the sub-folder names, holding the image files anywhere below it. Names starting with a dot and
/// files without an image extension are ignored. Unreadable images are skipped and listed by default, or stop the
/// read with the first error.
/// </summary>
public static class ImageFolder
{
    /// <summary>Reads every image of <paramref name="folder"/> with <paramref name="read"/>.</summary>
    /// <param name="folder">The training folder.</param>
    /// <param name="read">Reads one file; throws <see cref="InvalidDataException"/> or <see cref="IOException"/> naming
    /// the file when it cannot.</param>
    /// <param name="stopOnFirstError">Rethrow the first read error instead of skipping the file.</param>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="InvalidDataException">No image could be read (the message lists the first failures), or a file
    /// failed with <paramref name="stopOnFirstError"/> set.</exception>
    public static ImageFolderContents<T> Read<T>(string folder, Func<string, T> read, bool stopOnFirstError = false)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(read);
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException($"{folder}: image folder not found");
        string[] classes = Visible(Directory.GetDirectories(folder)).Select(d => Path.GetFileName(d)!).ToArray();
        var files = new List<(string Path, int? Label)>();
        files.AddRange(ImageFiles(folder, SearchOption.TopDirectoryOnly).Select(f => (f, (int?)null)));
        for (int c = 0; c < classes.Length; c++)
        {
            int label = c;
            files.AddRange(ImageFiles(Path.Combine(folder, classes[c]), SearchOption.AllDirectories)
                .Select(f => (f, (int?)label)));
        }

        var items = new List<ImageFolderItem<T>>(files.Count);
        var failures = new List<ImageReadFailure>();
        foreach ((string path, int? label) in files)
        {
            try
            {
                items.Add(new ImageFolderItem<T>(path, label, read(path)));
            }
            catch (Exception e) when (!stopOnFirstError && e is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                failures.Add(new ImageReadFailure(path, e.Message));
            }
        }
        if (items.Count == 0)
            throw new InvalidDataException(failures.Count == 0
                ? $"{folder}: no image files (.png, .jpg, .jpeg, .bmp, .gif) in the folder or its class sub-folders"
                : $"{folder}: none of its {failures.Count} image files could be read; first: {failures[0].Message}");
        return new ImageFolderContents<T>(folder, classes, items, failures);
    }

    private static IEnumerable<string> ImageFiles(string folder, SearchOption option) =>
        Visible(Directory.GetFiles(folder, "*", option)).Where(Codec.ImageFile.HasImageExtension);

    private static IEnumerable<string> Visible(IEnumerable<string> paths) =>
        paths.Where(p => !Path.GetFileName(p).StartsWith('.')).Order(StringComparer.Ordinal);
}

/// <summary>What <see cref="ImageFolder.Read{T}"/> found.</summary>
/// <param name="Folder">The folder read.</param>
/// <param name="ClassNames">Sub-folder names in label order (label i = ClassNames[i]); empty when unlabelled.</param>
/// <param name="Items">The images read, in file order.</param>
/// <param name="Failures">The files skipped, with the reason.</param>
public sealed record ImageFolderContents<T>(string Folder, IReadOnlyList<string> ClassNames,
    IReadOnlyList<ImageFolderItem<T>> Items, IReadOnlyList<ImageReadFailure> Failures);

/// <summary>One image of a folder.</summary>
/// <param name="Path">Its file.</param>
/// <param name="Label">Its class (sub-folder index), or null for a file directly in the folder.</param>
/// <param name="Value">What was read.</param>
public sealed record ImageFolderItem<T>(string Path, int? Label, T Value);

/// <summary>A file that could not be read.</summary>
/// <param name="Path">The file.</param>
/// <param name="Message">Why (names the file).</param>
public sealed record ImageReadFailure(string Path, string Message);
