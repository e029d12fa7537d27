namespace DiffusionFramework.Cli.Reports;

/// <summary>A line plot of one or more series against a log-scaled x axis, saved as PNG.</summary>
public static class LinePlot
{
    private const int Width = 1000, Height = 520, Left = 80, Right = 330, Top = 40, Bottom = 60;
    private static readonly (byte, byte, byte) Black = (0, 0, 0), Grey = (150, 150, 150);
    private static readonly (byte, byte, byte)[] Palette =
    [
        (31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189), (140, 86, 75),
        (227, 119, 194), (127, 127, 127), (188, 189, 34), (23, 190, 207),
    ];

    /// <summary>One named series of (x, y) points.</summary>
    public sealed record Series(string Name, IReadOnlyList<(double X, double Y)> Points);

    /// <summary>Draws the series (x log-scaled), an optional dashed reference level, axes with tick labels and a legend.</summary>
    public static void Save(string path, string title, string xLabel, string yLabel, IReadOnlyList<Series> series,
        (string Name, double Y)? reference = null)
    {
        var all = series.SelectMany(s => s.Points).ToList();
        if (all.Count == 0)
            throw new ArgumentException("nothing to plot", nameof(series));
        double xMin = Math.Log10(all.Min(p => p.X)), xMax = Math.Log10(all.Max(p => p.X));
        double yMin = Math.Min(0, all.Min(p => p.Y)), yMax = Math.Max(all.Max(p => p.Y), reference?.Y ?? 0) * 1.05;
        if (xMax - xMin < 1e-9) xMax = xMin + 1;
        if (yMax - yMin < 1e-12) yMax = yMin + 1;
        int PlotX(double x) => Left + (int)((Math.Log10(x) - xMin) / (xMax - xMin) * (Width - Left - Right));
        int PlotY(double y) => Height - Bottom - (int)((y - yMin) / (yMax - yMin) * (Height - Top - Bottom));

        var image = new PngImage(Width, Height);
        PixelFont.Draw(image, Left, 12, title, Black);
        image.Line(Left, Height - Bottom, Width - Right, Height - Bottom, Black);
        image.Line(Left, Top, Left, Height - Bottom, Black);
        foreach (double x in all.Select(p => p.X).Distinct())
        {
            image.Line(PlotX(x), Height - Bottom, PlotX(x), Height - Bottom + 5, Black);
            string label = x.ToString("G4");
            PixelFont.Draw(image, PlotX(x) - PixelFont.Width(label) / 2, Height - Bottom + 9, label, Black);
        }
        for (int k = 0; k <= 4; k++)
        {
            double y = yMin + (yMax - yMin) * k / 4;
            image.Line(Left - 5, PlotY(y), Left, PlotY(y), Black);
            string label = y.ToString("G3");
            PixelFont.Draw(image, Left - 8 - PixelFont.Width(label), PlotY(y) - 5, label, Black);
        }
        PixelFont.Draw(image, (Left + Width - Right - PixelFont.Width(xLabel)) / 2, Height - 22, xLabel, Black);
        PixelFont.Draw(image, 8, Top - 18, yLabel, Black);
        if (reference is { } r)
        {
            for (int x = Left; x < Width - Right; x += 12)
                image.Line(x, PlotY(r.Y), Math.Min(x + 6, Width - Right), PlotY(r.Y), Grey);
            PixelFont.Draw(image, Width - Right + 12, Top + 14 * series.Count + 4, r.Name, Grey);
        }
        for (int i = 0; i < series.Count; i++)
        {
            var color = Palette[i % Palette.Length];
            var points = series[i].Points.OrderBy(p => p.X).ToList();
            for (int j = 0; j + 1 < points.Count; j++)
                image.Line(PlotX(points[j].X), PlotY(points[j].Y), PlotX(points[j + 1].X), PlotY(points[j + 1].Y), color, 2);
            foreach (var p in points)
                image.Line(PlotX(p.X) - 2, PlotY(p.Y), PlotX(p.X) + 2, PlotY(p.Y), color, 5);
            image.Line(Width - Right + 12, Top + 14 * i + 4, Width - Right + 30, Top + 14 * i + 4, color, 3);
            PixelFont.Draw(image, Width - Right + 36, Top + 14 * i, series[i].Name, Black);
        }
        image.Save(path);
    }
}
