using System.Globalization;

namespace DiffusionFramework.Image.Evaluation;

/// <summary>A <see cref="SuperResolutionReport"/> as a short text table: mean PSNR/SSIM per method, gains ± 95% CI, wins.</summary>
public static class SuperResolutionReportTable
{
    /// <summary>Writes the table to <paramref name="output"/>.</summary>
    public static void Write(TextWriter output, SuperResolutionReport report)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(report);
        int n = report.Patches.Count;
        output.WriteLine(Format("{0,-9} {1,10} {2,10}", "method", "PSNR (dB)", "SSIM"));
        output.WriteLine(Format("{0,-9} {1,10:F3} {2,10:F4}", "bicubic", report.Bicubic.Psnr, report.Bicubic.Ssim));
        output.WriteLine(Format("{0,-9} {1,10:F3} {2,10:F4}", "model", report.Model.Psnr, report.Model.Ssim));
        output.WriteLine(Format("gain      {0:+0.000;-0.000;0.000} ± {1:F3} dB, SSIM {2:+0.0000;-0.0000;0.0000} ± {3:F4} (95% CI, N = {4})",
            report.PsnrGain.Mean, report.PsnrGain.HalfWidth95, report.SsimGain.Mean, report.SsimGain.HalfWidth95, n));
        output.WriteLine(Format("model beats bicubic on {0:F1}% of patches by PSNR ({1} of {2}), {3:F1}% by SSIM",
            100 * report.PsnrGain.WinFraction, (int)Math.Round(report.PsnrGain.WinFraction * n), n, 100 * report.SsimGain.WinFraction));
    }

    private static string Format(string format, params object[] values) =>
        string.Format(CultureInfo.InvariantCulture, format, values);
}
