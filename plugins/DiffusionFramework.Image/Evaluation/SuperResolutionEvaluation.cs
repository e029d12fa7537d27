using DiffusionFramework.Core.Metrics;
using DiffusionFramework.Image.Codec;
using DiffusionFramework.Image.Data;
using DiffusionFramework.Image.SuperResolution;
using TorchSharp;

namespace DiffusionFramework.Image.Evaluation;

/// <summary>
/// Measures an upscaler against bicubic upsampling on held-out patches, as SR benchmarks do (EDSR, Lim et al. 2017,
/// arXiv 1707.02921 §4): patch i is a high-resolution crop HR of photo i mod count at a seeded position
/// (<see cref="PatchDataset"/>), its low-resolution input is <see cref="LowResContext.Downscale"/>(HR, scale), and
/// both bicubic (<see cref="LowResContext.Upsample"/>) and the upscaler turn it back into an image scored against HR
/// by <see cref="SuperResolutionScoring"/>. The per-patch differences give paired gains (<see cref="PairedGain"/>).
/// </summary>
public static class SuperResolutionEvaluation
{
    /// <summary>Scores <paramref name="upscale"/> and bicubic upsampling on held-out patches of <paramref name="folder"/>.</summary>
    /// <param name="folder">Held-out photos (sub-folders included); every one must be readable and at least a patch a side.</param>
    /// <param name="config">The model's configuration: patch side <c>image_size</c>, <c>scale</c>, <c>channels</c>, read limits.</param>
    /// <param name="options">Patch count, batch size and seed.</param>
    /// <param name="upscale">Low-resolution [B, C, p/s, p/s] in [-1, 1] on <paramref name="device"/> to [B, C, p, p] in [-1, 1].</param>
    /// <param name="device">Where patches are made, upscaled and scored.</param>
    /// <param name="progress">Called after each batch with (patches done, patches in all).</param>
    /// <param name="cancellationToken">Stops the run between batches.</param>
    /// <exception cref="ArgumentException">Not a super-resolution configuration, the shaved patch is smaller than SSIM's
    /// window, an option is out of range, or the upscaler returns another shape.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="InvalidDataException">The folder has no photos, or one is unreadable or smaller than a patch
    /// (the message names the file).</exception>
    public static SuperResolutionReport Run(string folder, ImageConfig config, SuperResolutionEvaluationOptions options,
        Func<torch.Tensor, torch.Tensor> upscale, torch.Device device, Action<int, int>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(upscale);
        ArgumentNullException.ThrowIfNull(device);
        Validate(config, options);
        ImageFolderContents<PixelImage> contents = ImageDatasets.ReadPhotos(folder, config, stopOnFirstError: true);
        string[] photos = contents.Items.Select(i => i.Path).ToArray();
        int perPhoto = (options.Patches + photos.Length - 1) / photos.Length;
        using var dataset = new PatchDataset(folder, contents.Items.Select(i => i.Value).ToArray(), config.ImageSize,
            config.Scale, perPhoto, unchecked((ulong)options.Seed));

        var rows = new List<PatchScore>(options.Patches);
        for (int start = 0; start < options.Patches; start += options.BatchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            long[] indices = Enumerable.Range(start, Math.Min(options.BatchSize, options.Patches - start)).Select(i => (long)i).ToArray();
            rows.AddRange(ScoreBatch(dataset, photos, indices, config.Scale, upscale, device));
            progress?.Invoke(start + indices.Length, options.Patches);
        }
        return Summarise(folder, photos, rows);
    }

    /// <summary>Throws unless <paramref name="config"/> and <paramref name="options"/> allow an evaluation.</summary>
    /// <exception cref="ArgumentException">The message names the setting and the problem.</exception>
    public static void Validate(ImageConfig config, SuperResolutionEvaluationOptions options)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (!config.IsSuperResolution)
            throw new ArgumentException("scale: 0; the evaluation needs a super-resolution model (scale >= 2)", nameof(config));
        int scored = config.ImageSize - 2 * config.Scale;
        if (scored < StructuralSimilarity.WindowSize)
            throw new ArgumentException(
                $"image_size: {config.ImageSize}-pixel patches leave {scored} pixels after shaving the {config.Scale}-pixel " +
                $"border; SSIM needs at least {StructuralSimilarity.WindowSize}", nameof(config));
    }

    private static IEnumerable<PatchScore> ScoreBatch(PatchDataset dataset, string[] photos, long[] indices, int scale,
        Func<torch.Tensor, torch.Tensor> upscale, torch.Device device)
    {
        using var scope = torch.NewDisposeScope();
        torch.Tensor highRes = dataset.HighRes(indices, device);
        torch.Tensor lowRes = LowResContext.Downscale(highRes, scale);
        torch.Tensor upscaled;
        using (torch.no_grad())
            upscaled = upscale(lowRes);
        if (upscaled is null || !upscaled.shape.SequenceEqual(highRes.shape))
            throw new ArgumentException(
                $"the upscaler returned [{(upscaled is null ? "null" : string.Join(", ", upscaled.shape))}] for " +
                $"[{string.Join(", ", lowRes.shape)}]; expected [{string.Join(", ", highRes.shape)}]", nameof(upscale));
        (double[] bicubicPsnr, double[] bicubicSsim) =
            SuperResolutionScoring.Score(LowResContext.Upsample(lowRes, scale), highRes, scale);
        (double[] modelPsnr, double[] modelSsim) = SuperResolutionScoring.Score(upscaled.to(device), highRes, scale);
        var rows = new PatchScore[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            (int photo, int top, int left) = dataset.Position(indices[i]);
            rows[i] = new PatchScore(indices[i], photos[photo], top, left, bicubicPsnr[i], bicubicSsim[i], modelPsnr[i], modelSsim[i]);
        }
        return rows;
    }

    private static SuperResolutionReport Summarise(string folder, string[] photos, List<PatchScore> rows)
    {
        double[] bicubicPsnr = rows.Select(r => r.BicubicPsnr).ToArray(), bicubicSsim = rows.Select(r => r.BicubicSsim).ToArray();
        double[] modelPsnr = rows.Select(r => r.ModelPsnr).ToArray(), modelSsim = rows.Select(r => r.ModelSsim).ToArray();
        return new SuperResolutionReport(folder, photos, rows,
            new MethodScores(bicubicPsnr.Average(), bicubicSsim.Average()),
            new MethodScores(modelPsnr.Average(), modelSsim.Average()),
            PairedGain.Of(modelPsnr, bicubicPsnr), PairedGain.Of(modelSsim, bicubicSsim));
    }
}
