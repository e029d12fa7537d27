using System.Text.Json.Nodes;
using DiffusionFramework.Abstractions;
using DiffusionFramework.Image.Codec;
using DiffusionFramework.Image.SuperResolution;
using TorchSharp;

namespace DiffusionFramework.Image.Input;

/// <summary>
/// Reads image files into model space for img2img, inpainting and super-resolution: samples are scaled to cover the
/// model's size and centre-cropped into [-1, 1]; a mask (white = regenerate) is fitted the same way into [0, 1]; the
/// context of a super-resolution model is the low-resolution image upsampled bicubically by the model's scale
/// (<see cref="LowResContext.Upsample"/>).
/// </summary>
/// <remarks>
/// A mask must have the size of the images it goes with. <see cref="ReadMask(string, JsonObject, torch.Device)"/>
/// compares it with the images of the last <see cref="ReadSamples"/> call on the same thread (the order in which the
/// CLI's inpaint reads them); <see cref="ReadMask(string, IReadOnlyList{string}, JsonObject, torch.Device)"/> takes them
/// explicitly.
/// </remarks>
public sealed class ImageSampleReader : ISampleReader
{
    [ThreadStatic]
    private static IReadOnlyList<string>? lastSamples;

    /// <inheritdoc />
    public torch.Tensor ReadSamples(IReadOnlyList<string> paths, JsonObject networkConfig, torch.Device device)
    {
        RequirePaths(paths);
        ImageConfig config = ImageConfig.FromJson(networkConfig);
        var codec = new ImageCodec(config.ImageSize, config.ImageSize, config.Channels, config.ReadLimits);
        torch.Tensor samples = codec.Encode(paths.Select(codec.Read).ToArray(), device);
        lastSamples = [.. paths];
        return samples;
    }

    /// <inheritdoc />
    public torch.Tensor ReadMask(string path, JsonObject networkConfig, torch.Device device) =>
        ReadMask(path, lastSamples ?? [], networkConfig, device);

    /// <summary>Reads a mask that must have the size of every image in <paramref name="imagePaths"/>.</summary>
    /// <returns>float32 [1, H, W] in [0, 1]: grey level / 255, 1 (white) = regenerate.</returns>
    /// <exception cref="InvalidDataException">The mask cannot be read or its size differs from an image's.</exception>
    public torch.Tensor ReadMask(string path, IReadOnlyList<string> imagePaths, JsonObject networkConfig, torch.Device device)
    {
        ArgumentNullException.ThrowIfNull(imagePaths);
        ImageConfig config = ImageConfig.FromJson(networkConfig);
        PixelImage mask = ImageFile.Read(path, 1, config.ReadLimits);
        foreach (string image in imagePaths)
        {
            (int width, int height) = ImageFile.ReadSize(image, config.ReadLimits);
            if (width != mask.Width || height != mask.Height)
                throw new InvalidDataException(
                    $"{path}: the mask is {mask.Width}x{mask.Height} but the input image {image} is {width}x{height}; " +
                    "they must be the same size");
        }
        PixelImage fitted = ImageFit.CoverAndCrop(mask, config.ImageSize, config.ImageSize);
        using var scope = torch.NewDisposeScope();
        torch.Tensor levels = PixelTensor.ToByteTensor(fitted).to(device).to(torch.float32).div_(255.0);
        return levels.MoveToOuterDisposeScope();
    }

    /// <summary>The low-resolution images upsampled by the model's scale: [N, C, h · scale, w · scale].</summary>
    /// <exception cref="NotSupportedException">The model is not a super-resolution model.</exception>
    /// <exception cref="InvalidDataException">A file cannot be read, or upsampled it is not the model's sample size.</exception>
    public torch.Tensor ReadContext(IReadOnlyList<string> paths, JsonObject networkConfig, torch.Device device)
    {
        RequirePaths(paths);
        ImageConfig config = ImageConfig.FromJson(networkConfig);
        if (!config.IsSuperResolution)
            throw new NotSupportedException(
                "this image model is not a super-resolution model (scale 0): it takes no context image");
        var images = new PixelImage[paths.Count];
        for (int i = 0; i < paths.Count; i++)
        {
            images[i] = ImageFile.Read(paths[i], config.Channels, config.ReadLimits);
            int expected = config.ImageSize / config.Scale;
            if (images[i].Width != expected || images[i].Height != expected)
                throw new InvalidDataException(
                    $"{paths[i]}: {images[i].Width}x{images[i].Height} does not upsample x{config.Scale} to the model's " +
                    $"{config.ImageSize}x{config.ImageSize} samples (it needs {expected}x{expected}); the 'upscale' task " +
                    "takes images of any size");
        }
        using var scope = torch.NewDisposeScope();
        return LowResContext.Upsample(PixelTensor.ToTensor(images, device), config.Scale).MoveToOuterDisposeScope();
    }

    private static void RequirePaths(IReadOnlyList<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        if (paths.Count == 0)
            throw new ArgumentException("no input files", nameof(paths));
    }
}
