using System.Globalization;
using System.Text;
using DiffusionFramework.Core.IO;

namespace DiffusionFramework.Image.Evaluation;

/// <summary>
/// The per-patch rows of a <see cref="SuperResolutionReport"/> as CSV (RFC 4180, invariant culture, round-trip
/// numbers): <c>patch,photo,top,left,bicubic_psnr,bicubic_ssim,model_psnr,model_ssim,psnr_gain,ssim_gain</c>, the photo
/// relative to the evaluated folder.
/// </summary>
public static class SuperResolutionCsv
{
    /// <summary>The header line.</summary>
    public const string Header = "patch,photo,top,left,bicubic_psnr,bicubic_ssim,model_psnr,model_ssim,psnr_gain,ssim_gain";

    /// <summary>Writes <paramref name="report"/> to <paramref name="path"/> atomically, never replacing a file.</summary>
    /// <exception cref="IOException">The file exists.</exception>
    public static void Write(string path, SuperResolutionReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (File.Exists(path))
            throw new IOException($"{path}: the CSV file exists; choose another --csv");
        var csv = new StringBuilder(Header).Append('\n');
        foreach (PatchScore row in report.Patches)
        {
            csv.AppendJoin(',', row.Index.ToString(CultureInfo.InvariantCulture), Quote(Path.GetRelativePath(report.Folder, row.Photo)),
                row.Top.ToString(CultureInfo.InvariantCulture), row.Left.ToString(CultureInfo.InvariantCulture),
                Number(row.BicubicPsnr), Number(row.BicubicSsim), Number(row.ModelPsnr), Number(row.ModelSsim),
                Number(row.ModelPsnr - row.BicubicPsnr), Number(row.ModelSsim - row.BicubicSsim));
            csv.Append('\n');
        }
        AtomicFile.Write(path, stream => stream.Write(Encoding.UTF8.GetBytes(csv.ToString())), overwrite: false);
    }

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Quote(string field) =>
        field.IndexOfAny([',', '"', '\n', '\r']) < 0 ? field : $"\"{field.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
}
