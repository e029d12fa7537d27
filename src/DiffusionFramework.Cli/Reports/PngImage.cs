using System.Buffers.Binary;
using System.IO.Compression;
using DiffusionFramework.Core.IO;

namespace DiffusionFramework.Cli.Reports;

/// <summary>
/// An RGB raster written as a PNG file (ISO/IEC 15948: signature, IHDR, one zlib IDAT with filter 0 rows, IEND),
/// enough for the CLI's plots without an imaging library.
/// </summary>
public sealed class PngImage
{
    private readonly byte[] _rgb;

    /// <summary>A white image of <paramref name="width"/> x <paramref name="height"/> pixels.</summary>
    public PngImage(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        Width = width;
        Height = height;
        _rgb = new byte[width * height * 3];
        Array.Fill(_rgb, (byte)255);
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Sets one pixel; coordinates outside the image are ignored.</summary>
    public void Set(int x, int y, (byte R, byte G, byte B) color)
    {
        if ((uint)x >= (uint)Width || (uint)y >= (uint)Height)
            return;
        int i = (y * Width + x) * 3;
        (_rgb[i], _rgb[i + 1], _rgb[i + 2]) = color;
    }

    /// <summary>Draws a line segment (Bresenham) of the given thickness in pixels.</summary>
    public void Line(int x0, int y0, int x1, int y1, (byte R, byte G, byte B) color, int thickness = 1)
    {
        int dx = Math.Abs(x1 - x0), dy = -Math.Abs(y1 - y0);
        int sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1, err = dx + dy;
        while (true)
        {
            for (int ox = -(thickness / 2); ox <= thickness / 2; ox++)
                for (int oy = -(thickness / 2); oy <= thickness / 2; oy++)
                    Set(x0 + ox, y0 + oy, color);
            if (x0 == x1 && y0 == y1)
                return;
            int e2 = 2 * err;
            if (e2 >= dy) { err += dy; x0 += sx; }
            if (e2 <= dx) { err += dx; y0 += sy; }
        }
    }

    /// <summary>Writes the image as a PNG file, atomically.</summary>
    public void Save(string path) => AtomicFile.Write(path, Encode);

    /// <summary>Encodes the image as PNG into <paramref name="stream"/>.</summary>
    public void Encode(Stream stream)
    {
        stream.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, Width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), Height);
        header[8] = 8; // bit depth
        header[9] = 2; // colour type: truecolour
        WriteChunk(stream, "IHDR", header);
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            for (int y = 0; y < Height; y++)
            {
                zlib.WriteByte(0); // filter type None
                zlib.Write(_rgb, y * Width * 3, Width * 3);
            }
        }
        WriteChunk(stream, "IDAT", compressed.ToArray());
        WriteChunk(stream, "IEND", []);
    }

    /// <summary>CRC-32 (ISO 3309, polynomial 0xEDB88320) over a chunk's type and data, as PNG requires.</summary>
    private static uint Crc32(byte[] bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in bytes)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
                crc = (crc & 1) != 0 ? 0xEDB88320 ^ (crc >> 1) : crc >> 1;
        }
        return ~crc;
    }

    private static void WriteChunk(Stream stream, string type, byte[] data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        stream.Write(word);
        byte[] typed = [.. System.Text.Encoding.ASCII.GetBytes(type), .. data];
        stream.Write(typed);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32(typed));
        stream.Write(word);
    }
}
