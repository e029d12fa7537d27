namespace DiffusionFramework.Image.Evaluation;

/// <summary>What <see cref="SuperResolutionEvaluation.Run"/> measured: per-patch scores and their summaries.</summary>
/// <param name="Folder">The folder of held-out photos.</param>
/// <param name="Photos">Its photos, in the order patch i uses (photo i mod count).</param>
/// <param name="Patches">One row per patch, in index order.</param>
/// <param name="Bicubic">Mean scores of bicubic upsampling (<see cref="SuperResolution.LowResContext.Upsample"/>).</param>
/// <param name="Model">Mean scores of the upscaler under test.</param>
/// <param name="PsnrGain">Model − bicubic PSNR per patch, in dB.</param>
/// <param name="SsimGain">Model − bicubic SSIM per patch.</param>
public sealed record SuperResolutionReport(string Folder, IReadOnlyList<string> Photos, IReadOnlyList<PatchScore> Patches,
    MethodScores Bicubic, MethodScores Model, PairedGain PsnrGain, PairedGain SsimGain);

/// <summary>The mean scores of one method over the patches (<see cref="SuperResolutionScoring"/>).</summary>
/// <param name="Psnr">Mean PSNR in dB (each patch capped at <see cref="SuperResolutionScoring.PsnrCap"/>).</param>
/// <param name="Ssim">Mean SSIM.</param>
public sealed record MethodScores(double Psnr, double Ssim);

/// <summary>The scores of one held-out patch.</summary>
/// <param name="Index">Patch index (its position is a function of the seed and the index).</param>
/// <param name="Photo">The photo's file.</param>
/// <param name="Top">Row of the patch's top-left pixel in the photo.</param>
/// <param name="Left">Column of the patch's top-left pixel in the photo.</param>
/// <param name="BicubicPsnr">PSNR of bicubic upsampling, dB.</param>
/// <param name="BicubicSsim">SSIM of bicubic upsampling.</param>
/// <param name="ModelPsnr">PSNR of the upscaler under test, dB.</param>
/// <param name="ModelSsim">SSIM of the upscaler under test.</param>
public sealed record PatchScore(long Index, string Photo, int Top, int Left, double BicubicPsnr, double BicubicSsim,
    double ModelPsnr, double ModelSsim);
