using System.Text.Json.Nodes;
using DiffusionFramework.Abstractions;
using TorchSharp;

namespace Points2d.Data;

/// <summary>
/// Reads points for img2img and inpainting: samples and masks are CSV files of <c>x,y</c> rows in the format of
/// <see cref="PointsCsv"/> (optional header, blank lines ignored). Points models take no context.
/// </summary>
/// <remarks>
/// A mask file holds one <c>mx,my</c> row per point (shape [N, 2]) or a single row applied to every point ([1, 2]);
/// each value is in [0, 1] with the engine's convention 1 = regenerate, 0 = keep, so <c>0,1</c> keeps x and
/// regenerates y.
/// </remarks>
public sealed class PointsSampleReader : ISampleReader
{
    /// <summary>The rows of every file, in order: float32 [N, 2] on <paramref name="device"/>.</summary>
    /// <exception cref="FileNotFoundException">A file is missing.</exception>
    /// <exception cref="InvalidDataException">A file is empty, too large or has a bad row (file and line named).</exception>
    public torch.Tensor ReadSamples(IReadOnlyList<string> paths, JsonObject networkConfig, torch.Device device)
    {
        ArgumentNullException.ThrowIfNull(paths);
        Points2dConfig.FromJson(networkConfig);
        if (paths.Count == 0)
            throw new ArgumentException("no sample files were given", nameof(paths));
        using var scope = torch.NewDisposeScope();
        torch.Tensor[] parts = paths.Select(ReadExisting).ToArray();
        return torch.cat(parts, 0).to(device).MoveToOuterDisposeScope();
    }

    /// <summary>The mask rows, float32 [M, 2] with M = 1 (every point) or one row per point.</summary>
    /// <exception cref="FileNotFoundException">The file is missing.</exception>
    /// <exception cref="InvalidDataException">A bad row, or a value outside [0, 1] (file named).</exception>
    public torch.Tensor ReadMask(string path, JsonObject networkConfig, torch.Device device)
    {
        Points2dConfig.FromJson(networkConfig);
        using var scope = torch.NewDisposeScope();
        torch.Tensor mask = ReadExisting(path);
        if (mask.min().ToSingle() < 0 || mask.max().ToSingle() > 1)
            throw new InvalidDataException(
                $"{path}: mask values must lie in [0, 1] (1 = regenerate, 0 = keep), got values in " +
                $"[{mask.min().ToSingle()}, {mask.max().ToSingle()}]");
        return mask.to(device).MoveToOuterDisposeScope();
    }

    /// <summary>Always throws: points2d models are not conditioned on a context.</summary>
    /// <exception cref="NotSupportedException">Always; the message names the first file.</exception>
    public torch.Tensor ReadContext(IReadOnlyList<string> paths, JsonObject networkConfig, torch.Device device)
    {
        ArgumentNullException.ThrowIfNull(paths);
        throw new NotSupportedException(
            $"{paths.FirstOrDefault()}: points2d models take no context, so context files are not supported");
    }

    private static torch.Tensor ReadExisting(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path}: file not found", path);
        return PointsCsv.Read(path);
    }
}
