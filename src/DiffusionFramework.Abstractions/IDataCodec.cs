using TorchSharp;

namespace DiffusionFramework.Abstractions;

/// <summary>
/// Turns domain items into a batch tensor and back, and reads and writes them as files. Decoding must invert
/// encoding within the tolerance a plugin states (and tests).
/// </summary>
/// <typeparam name="TItem">The domain item: an image, a clip, a sentence, a molecule, a point.</typeparam>
public interface IDataCodec<TItem>
{
    /// <summary>File extensions this codec reads and writes, lower case with the dot (".png").</summary>
    IReadOnlyList<string> FileExtensions { get; }

    /// <summary>Encodes items into one batch tensor [B, ...].</summary>
    torch.Tensor Encode(IReadOnlyList<TItem> items);

    /// <summary>Decodes a batch tensor back into items.</summary>
    IReadOnlyList<TItem> Decode(torch.Tensor batch);

    /// <summary>Reads one item; throws <see cref="InvalidDataException"/> naming the file on bad content.</summary>
    TItem Read(string path);

    /// <summary>Writes one item atomically (a temporary file renamed into place).</summary>
    void Write(TItem item, string path);
}
