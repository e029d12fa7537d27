using System.Globalization;
using DiffusionFramework.Abstractions;
using TorchSharp;

namespace DiffusionFramework.Image.Network;

/// <summary>
/// The conditioning of a generation run from the sampling options. The only option is <c>class</c>: one class id
/// for the whole batch. A class-conditional model given no class cycles 0, 1, ..., num_classes - 1 over the batch (a
/// grid of ten digits per row shows every class); an unconditional model takes no class.
/// </summary>
public static class ClassLabels
{
    /// <summary>The option key.</summary>
    public const string OptionKey = "class";

    /// <summary>The <c>class</c> value that samples a class-conditional model unconditionally (its null class).</summary>
    public const string NullClass = "none";

    /// <summary>Labels for <paramref name="batchSize"/> samples, or <see cref="Conditioning.None"/> for an unconditional model.</summary>
    /// <exception cref="ArgumentException">An unknown option, a class on an unconditional model, or a class id that is
    /// not an integer in [0, num_classes).</exception>
    public static Conditioning ForSampling(ImageConfig config, int batchSize,
        IReadOnlyDictionary<string, string> options, torch.Device device)
    {
        ArgumentNullException.ThrowIfNull(config);
        RequireKnownOptions(options);
        int classes = config.Network.NumClasses;
        if (!options.TryGetValue(OptionKey, out string? text))
            return classes == 0 ? Conditioning.None
                : new Conditioning { ClassLabels = torch.arange(batchSize, dtype: torch.int64, device: device) % classes };
        if (string.Equals(text, NullClass, StringComparison.OrdinalIgnoreCase))
            return classes == 0 ? Conditioning.None : new Conditioning { DropCondition = true };
        if (classes == 0)
            throw new ArgumentException(
                $"class {text}: this model is unconditional (num_classes 0); it cannot generate a chosen class",
                nameof(options));
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int label) || label < 0 || label >= classes)
            throw new ArgumentException(
                $"class {text}: must be an integer class id in [0, {classes - 1}] for this model (num_classes {classes}), or '{NullClass}' for unconditional samples",
                nameof(options));
        return new Conditioning { ClassLabels = torch.full(batchSize, label, dtype: torch.int64, device: device) };
    }

    /// <summary>
    /// Labels when the model is not known: an explicit <c>class</c> (a non-negative integer; the U-Net checks the upper
    /// bound) for every sample, or no conditioning (a class-conditional model then samples its null class).
    /// </summary>
    public static Conditioning ForUnknownModel(int batchSize, IReadOnlyDictionary<string, string> options, torch.Device device)
    {
        RequireKnownOptions(options);
        if (!options.TryGetValue(OptionKey, out string? text))
            return Conditioning.None;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int label) || label < 0)
            throw new ArgumentException($"class {text}: must be a non-negative integer class id", nameof(options));
        return new Conditioning { ClassLabels = torch.full(batchSize, label, dtype: torch.int64, device: device) };
    }

    private static void RequireKnownOptions(IReadOnlyDictionary<string, string> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        string[] unknown = options.Keys.Where(k => k != OptionKey).ToArray();
        if (unknown.Length > 0)
            throw new ArgumentException(
                $"the image modality takes only the sampling option '{OptionKey}', got: {string.Join(", ", unknown)}",
                nameof(options));
    }
}
