using System.Text.Json.Nodes;
using TorchSharp;

namespace DiffusionFramework.Abstractions;

/// <summary>
/// Reads a modality's files into model-space tensors: the inputs of img2img and inpainting, inpainting masks, and
/// the context a context-conditioned model needs (the low-resolution image of super-resolution, the noisy clip of
/// speech enhancement). The inverse of <see cref="ISampleWriter"/>; the CLI uses it without knowing the domain.
/// </summary>
/// <remarks>
/// Every method creates its tensors on the device it is given, float32 unless stated. Errors name
/// the file and the problem: <see cref="FileNotFoundException"/> for a missing file, <see cref="InvalidDataException"/>
/// for content that cannot be read or does not fit <c>networkConfig</c> (wrong size, channels, value range), and
/// <see cref="NotSupportedException"/> for a kind of input the modality does not read (e.g. context for an
/// unconditional modality).
/// </remarks>
public interface ISampleReader
{
    /// <summary>
    /// Reads samples (img2img's initial images, inpainting's known images) as one batch, files in order; a file may
    /// hold one sample or several (a CSV of rows, a multi-frame file).
    /// </summary>
    /// <param name="paths">The files, at least one.</param>
    /// <param name="networkConfig">The model's network configuration (fixes the sample shape).</param>
    /// <param name="device">Where the tensor is created.</param>
    /// <returns>float32 [N, ...SampleShape] in model space (the range the model was trained on, e.g. [-1, 1]).</returns>
    torch.Tensor ReadSamples(IReadOnlyList<string> paths, JsonObject networkConfig, torch.Device device);

    /// <summary>
    /// Reads an inpainting mask in the engine's convention: 1 = regenerate, 0 = keep, values between blend.
    /// </summary>
    /// <param name="path">The mask file.</param>
    /// <param name="networkConfig">The model's network configuration (fixes the sample shape).</param>
    /// <param name="device">Where the tensor is created.</param>
    /// <returns>float32 with values in [0, 1], of a shape that broadcasts to the batch [N, ...SampleShape]: one mask
    /// for every sample (e.g. [1, H, W] for samples [C, H, W]) or one per sample ([N, ...]).</returns>
    torch.Tensor ReadMask(string path, JsonObject networkConfig, torch.Device device);

    /// <summary>
    /// Reads the context of a context-conditioned model (<see cref="Conditioning.Context"/>), files in order.
    /// </summary>
    /// <param name="paths">The files, at least one.</param>
    /// <param name="networkConfig">The model's network configuration (fixes the context's shape).</param>
    /// <param name="device">Where the tensor is created.</param>
    /// <returns>The context batch [N, ...] as the model's denoiser expects it, one entry per sample.</returns>
    /// <exception cref="NotSupportedException">The modality's models take no context.</exception>
    torch.Tensor ReadContext(IReadOnlyList<string> paths, JsonObject networkConfig, torch.Device device);
}
