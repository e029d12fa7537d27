using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Pipelines;
using TorchSharp;

namespace DiffusionFramework.Cli.Commands;

/// <summary>
/// Input files of img2img, inpaint and <c>--context</c>: the modality's reader, the number of samples the inputs
/// ask for, and shape checks whose messages name the files, all before any sampling work.
/// </summary>
public static class InputBatches
{
    /// <summary>The modality's <see cref="ISampleReader"/>.</summary>
    /// <param name="model">The loaded model.</param>
    /// <param name="use">What needs the reader, for the message (e.g. "--context", "img2img").</param>
    /// <exception cref="NotSupportedException">The modality reads no files.</exception>
    public static ISampleReader RequireReader(DiffusionModel model, string use) =>
        model.Modality.Reader ?? throw new NotSupportedException(
            $"{use}: modality '{model.Modality.Name}' (plugin {model.Plugin.Id} {model.Plugin.Version}) cannot read " +
            "input files: it has no sample reader (IModality.Reader).");

    /// <summary>
    /// The number of samples: <paramref name="count"/> when given, else the largest of <paramref name="batches"/>, else
    /// <paramref name="fallback"/>. Every batch must be 1 (repeated for every sample) or that number.
    /// </summary>
    /// <exception cref="ArgumentException">A batch that is neither 1 nor the count; the message names its source.</exception>
    public static int ResolveCount(int? count, int fallback, IReadOnlyList<(string Source, long Batch)> batches)
    {
        long n = count ?? (batches.Count == 0 ? fallback : batches.Max(b => b.Batch));
        foreach ((string source, long batch) in batches)
        {
            if (batch != 1 && batch != n)
                throw new ArgumentException(count is null
                    ? $"{source} holds {batch} item(s) but another input holds {n}: give one item (used for every sample) or as many as the others."
                    : $"{source} holds {batch} item(s), but --count is {n}: give one item (repeated --count times) or {n}.");
        }
        if (n is < 1 or > int.MaxValue)
            throw new ArgumentException($"the inputs ask for {n} samples; give between 1 and {int.MaxValue}.");
        return (int)n;
    }

    /// <summary>Reads samples through the modality's reader and checks they are [N, ...SampleShape].</summary>
    /// <exception cref="InvalidDataException">The reader returned another shape; the message names the files.</exception>
    public static torch.Tensor ReadSamples(DiffusionModel model, string option, IReadOnlyList<string> paths)
    {
        torch.Tensor samples = RequireReader(model, option).ReadSamples(paths, model.NetworkConfig, model.Device);
        long[] sampleShape = model.SampleShape;
        if (samples.dim() != sampleShape.Length + 1 || !samples.shape[1..].SequenceEqual(sampleShape))
            throw new InvalidDataException(
                $"{string.Join(", ", paths)}: read as shape {Format(samples.shape)}, but this model's samples are " +
                $"{Format(["N", .. sampleShape.Select(s => s.ToString(System.Globalization.CultureInfo.InvariantCulture))])}.");
        return samples;
    }

    /// <summary>The batch size a tensor that broadcasts to [N, ...SampleShape] brings: its first size when it has the
    /// batch dimension, else 1.</summary>
    public static long BatchOf(torch.Tensor tensor, long[] sampleShape) =>
        tensor.dim() == sampleShape.Length + 1 ? tensor.shape[0] : 1;

    /// <summary>Throws unless <paramref name="tensor"/> broadcasts to [<paramref name="count"/>, ...SampleShape].</summary>
    /// <param name="tensor">What was read.</param>
    /// <param name="count">The number of samples.</param>
    /// <param name="sampleShape">The shape of one sample.</param>
    /// <param name="source">The option and file, for the message.</param>
    /// <exception cref="ArgumentException">The message names the source and both shapes.</exception>
    public static void RequireBroadcast(torch.Tensor tensor, int count, long[] sampleShape, string source)
    {
        long[] target = [count, .. sampleShape];
        long[] shape = tensor.shape;
        bool fits = shape.Length <= target.Length;
        for (int d = 1; fits && d <= shape.Length; d++)
            fits = shape[^d] == target[^d] || shape[^d] == 1;
        if (!fits)
            throw new ArgumentException(
                $"{source} has shape {Format(shape)}, which does not broadcast to the samples {Format(target)}.");
    }

    private static string Format<T>(IEnumerable<T> shape) => $"[{string.Join(", ", shape)}]";
}
