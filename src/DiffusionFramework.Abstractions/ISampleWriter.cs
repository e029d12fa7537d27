using TorchSharp;

namespace DiffusionFramework.Abstractions;

/// <summary>Writes a batch of generated samples as the modality's files (PNG grid, WAV, text, XYZ, CSV ...).</summary>
public interface ISampleWriter
{
    /// <summary>Writes <paramref name="samples"/> into <paramref name="directory"/>; returns the files written.</summary>
    /// <param name="samples">Generated batch in model space [B, ...], on any device.</param>
    /// <param name="conditioning">The conditioning they were generated with (labels, masks), for naming and masking.</param>
    /// <param name="directory">An existing folder; files are written atomically and never overwrite user files
    /// silently: an existing file of the same name is replaced only by a file of this run.</param>
    /// <param name="prefix">File name prefix, e.g. "sample".</param>
    IReadOnlyList<string> Write(torch.Tensor samples, Conditioning conditioning, string directory, string prefix);
}
