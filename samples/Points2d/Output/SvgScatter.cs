using System.Globalization;
using System.Text;

namespace Points2d.Output;

/// <summary>Renders 2-D points as a self-contained SVG scatter plot with the y axis pointing up.</summary>
public static class SvgScatter
{
    private const int Size = 512;
    private const int Margin = 16;

    /// <summary>SVG text for the points (x0, y0, x1, y1, ...); non-finite points are left out.</summary>
    public static string Render(float[] xy)
    {
        (double minX, double maxX, double minY, double maxY) = Bounds(xy);
        double span = Math.Max(Math.Max(maxX - minX, maxY - minY), 1e-6);
        double scale = (Size - 2 * Margin) / span;
        double offsetX = Margin + ((Size - 2 * Margin) - (maxX - minX) * scale) / 2;
        double offsetY = Margin + ((Size - 2 * Margin) - (maxY - minY) * scale) / 2;
        var svg = new StringBuilder(256 + xy.Length * 24);
        svg.Append(CultureInfo.InvariantCulture,
            $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Size}\" height=\"{Size}\" viewBox=\"0 0 {Size} {Size}\">\n");
        svg.Append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n<g fill=\"#1f77b4\" fill-opacity=\"0.5\">\n");
        for (int i = 0; i + 1 < xy.Length; i += 2)
        {
            if (!float.IsFinite(xy[i]) || !float.IsFinite(xy[i + 1]))
                continue;
            double cx = offsetX + (xy[i] - minX) * scale;
            double cy = Size - (offsetY + (xy[i + 1] - minY) * scale);
            svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{cx:F1}\" cy=\"{cy:F1}\" r=\"1.5\"/>\n");
        }
        return svg.Append("</g>\n</svg>\n").ToString();
    }

    private static (double MinX, double MaxX, double MinY, double MaxY) Bounds(float[] xy)
    {
        double minX = double.MaxValue, maxX = double.MinValue, minY = double.MaxValue, maxY = double.MinValue;
        for (int i = 0; i + 1 < xy.Length; i += 2)
        {
            if (!float.IsFinite(xy[i]) || !float.IsFinite(xy[i + 1]))
                continue;
            minX = Math.Min(minX, xy[i]);
            maxX = Math.Max(maxX, xy[i]);
            minY = Math.Min(minY, xy[i + 1]);
            maxY = Math.Max(maxY, xy[i + 1]);
        }
        return minX > maxX ? (-1, 1, -1, 1) : (minX, maxX, minY, maxY);
    }
}
