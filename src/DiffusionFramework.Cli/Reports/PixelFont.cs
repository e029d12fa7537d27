namespace DiffusionFramework.Cli.Reports;

/// <summary>A 3x5 pixel font (digits, letters, a few signs) for labels on <see cref="PngImage"/> plots.</summary>
public static class PixelFont
{
    private static readonly Dictionary<char, int[]> Glyphs = new()
    {
        ['0'] = [7, 5, 5, 5, 7], ['1'] = [2, 6, 2, 2, 7], ['2'] = [7, 1, 7, 4, 7], ['3'] = [7, 1, 3, 1, 7],
        ['4'] = [5, 5, 7, 1, 1], ['5'] = [7, 4, 7, 1, 7], ['6'] = [7, 4, 7, 5, 7], ['7'] = [7, 1, 1, 1, 1],
        ['8'] = [7, 5, 7, 5, 7], ['9'] = [7, 5, 7, 1, 7], ['.'] = [0, 0, 0, 0, 2], ['-'] = [0, 0, 7, 0, 0],
        ['+'] = [0, 2, 7, 2, 0], ['='] = [0, 7, 0, 7, 0], ['_'] = [0, 0, 0, 0, 7], ['/'] = [1, 1, 2, 4, 4],
        ['('] = [1, 2, 2, 2, 1], [')'] = [4, 2, 2, 2, 4], [':'] = [0, 2, 0, 2, 0], [' '] = [0, 0, 0, 0, 0],
        ['A'] = [2, 5, 7, 5, 5], ['B'] = [6, 5, 6, 5, 6], ['C'] = [3, 4, 4, 4, 3], ['D'] = [6, 5, 5, 5, 6],
        ['E'] = [7, 4, 6, 4, 7], ['F'] = [7, 4, 6, 4, 4], ['G'] = [3, 4, 5, 5, 3], ['H'] = [5, 5, 7, 5, 5],
        ['I'] = [7, 2, 2, 2, 7], ['J'] = [1, 1, 1, 5, 2], ['K'] = [5, 5, 6, 5, 5], ['L'] = [4, 4, 4, 4, 7],
        ['M'] = [5, 7, 7, 5, 5], ['N'] = [6, 5, 5, 5, 5], ['O'] = [2, 5, 5, 5, 2], ['P'] = [6, 5, 6, 4, 4],
        ['Q'] = [2, 5, 5, 6, 3], ['R'] = [6, 5, 6, 5, 5], ['S'] = [3, 4, 2, 1, 6], ['T'] = [7, 2, 2, 2, 2],
        ['U'] = [5, 5, 5, 5, 7], ['V'] = [5, 5, 5, 5, 2], ['W'] = [5, 5, 7, 7, 5], ['X'] = [5, 5, 2, 5, 5],
        ['Y'] = [5, 5, 2, 2, 2], ['Z'] = [7, 1, 2, 4, 7],
    };

    /// <summary>Pixels per font pixel.</summary>
    public const int Scale = 2;

    /// <summary>Width in image pixels of <paramref name="text"/>.</summary>
    public static int Width(string text) => text.Length * 4 * Scale;

    /// <summary>Draws <paramref name="text"/> with its top-left corner at (x, y); unknown characters print as '?'-less gaps.</summary>
    public static void Draw(PngImage image, int x, int y, string text, (byte R, byte G, byte B) color)
    {
        foreach (char c in text.ToUpperInvariant())
        {
            if (Glyphs.TryGetValue(c, out int[]? rows))
            {
                for (int row = 0; row < 5; row++)
                    for (int col = 0; col < 3; col++)
                        if ((rows[row] & (4 >> col)) != 0)
                            for (int s = 0; s < Scale * Scale; s++)
                                image.Set(x + col * Scale + s % Scale, y + row * Scale + s / Scale, color);
            }
            x += 4 * Scale;
        }
    }
}
