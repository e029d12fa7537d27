using DiffusionFramework.Abstractions;
using DiffusionFramework.Image.Codec;
using DiffusionFramework.Image.SuperResolution;
using TorchSharp;

namespace DiffusionFramework.Image.Data;

/// <summary>
/// Opens the training set a configuration asks for: the built-in digits (no path), a folder of images (class
/// sub-folders), or, for a super-resolution model, patches of a folder of photos.
/// </summary>
public static class ImageDatasets
{
    /// <summary>Opens <paramref name="path"/> (null = built-in digits) for <paramref name="config"/>.</summary>
    /// <exception cref="InvalidDataException">The data does not fit the model, or cannot be read; the message names
    /// the folder or file.</exception>
    public static IDiffusionDataset Open(string? path, ImageConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.IsSuperResolution)
            return path is null
                ? throw new InvalidDataException(
                    $"a super-resolution model (scale {config.Scale}) trains on a folder of photos; give its path")
                : OpenPatches(path, config);
        return path is null ? OpenDigits(config) : OpenFolder(path, config);
    }

    /// <summary>The training split of the built-in digits, labelled when the model is class-conditional.</summary>
    public static ImageTensorDataset OpenDigits(ImageConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.ImageSize != DigitsData.Size || config.Channels != 1)
            throw new InvalidDataException(
                $"the built-in digits are {DigitsData.Size}x{DigitsData.Size} grey images, but the model has image_size " +
                $"{config.ImageSize} and channels {config.Channels}; set image_size 8 and channels 1, or give a folder");
        if (config.IsClassConditional && config.Network.NumClasses < DigitsData.ClassCount)
            throw new InvalidDataException(
                $"the built-in digits have {DigitsData.ClassCount} classes, but the model has num_classes " +
                $"{config.Network.NumClasses}");
        using var scope = torch.NewDisposeScope();
        (torch.Tensor images, torch.Tensor labels) = DigitsData.Load(DigitsSplit.Train, torch.CPU);
        return new ImageTensorDataset("built-in: digits (train split)", images,
            config.IsClassConditional ? labels : null);
    }

    /// <summary>
    /// A folder of images at the model's size (scaled to cover and centre-cropped). For a class-conditional model the
    /// sub-folders are the classes (files directly in the folder get the null class); otherwise labels are ignored.
    /// </summary>
    public static ImageTensorDataset OpenFolder(string folder, ImageConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var codec = new ImageCodec(config.ImageSize, config.ImageSize, config.Channels, config.ReadLimits);
        ImageFolderContents<PixelImage> contents = ImageFolder.Read(folder, codec.Read, config.DataStopOnError);
        int classes = config.Network.NumClasses;
        if (config.IsClassConditional && contents.ClassNames.Count == 0)
            throw new InvalidDataException(
                $"{folder}: a class-conditional model (num_classes {classes}) needs one sub-folder per class");
        if (contents.ClassNames.Count > classes && config.IsClassConditional)
            throw new InvalidDataException(
                $"{folder}: {contents.ClassNames.Count} class sub-folders, but the model has num_classes {classes}");
        using var scope = torch.NewDisposeScope();
        torch.Tensor images = PixelTensor.ToTensor(contents.Items.Select(i => i.Value).ToArray(), torch.CPU);
        torch.Tensor? labels = config.IsClassConditional
            ? torch.tensor(contents.Items.Select(i => (long)(i.Label ?? classes)).ToArray(), dtype: torch.int64)
            : null;
        return new ImageTensorDataset(DatasetName(contents), images, labels);
    }

    /// <summary>Super-resolution patches of the photos in <paramref name="folder"/> (sub-folders included).</summary>
    public static PatchDataset OpenPatches(string folder, ImageConfig config)
    {
        ImageFolderContents<PixelImage> contents = ReadPhotos(folder, config, config.DataStopOnError);
        return new PatchDataset(DatasetName(contents), contents.Items.Select(i => i.Value).ToArray(),
            config.ImageSize, config.Scale, config.PatchesPerImage, (ulong)config.DataSeed, config.ResidualScale,
            config.AugmentPatches);
    }

    /// <summary>
    /// The photos of <paramref name="folder"/> (sub-folders included) with the model's channels, each at least
    /// <c>image_size</c> pixels a side.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="InvalidDataException">No photo could be read, or (with <paramref name="stopOnFirstError"/>) one
    /// is unreadable or smaller than a patch; the message names the file.</exception>
    public static ImageFolderContents<PixelImage> ReadPhotos(string folder, ImageConfig config, bool stopOnFirstError)
    {
        ArgumentNullException.ThrowIfNull(config);
        PixelImage ReadPhoto(string path)
        {
            PixelImage photo = ImageFile.Read(path, config.Channels, config.ReadLimits);
            return photo.Width >= config.ImageSize && photo.Height >= config.ImageSize ? photo
                : throw new InvalidDataException(
                    $"{path}: {photo.Width}x{photo.Height} is smaller than the {config.ImageSize}-pixel patches");
        }
        return ImageFolder.Read(folder, ReadPhoto, stopOnFirstError);
    }

    private static string DatasetName<T>(ImageFolderContents<T> contents) => contents.Failures.Count == 0
        ? contents.Folder
        : $"{contents.Folder} ({contents.Failures.Count} unreadable files skipped, first: {contents.Failures[0].Message})";
}
