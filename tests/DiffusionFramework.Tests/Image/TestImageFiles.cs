using System.Buffers.Binary;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace DiffusionFramework.Tests.Image;

/// <summary>Image files for the tests, written with ImageSharp directly (not through the plugin's code) or by hand.</summary>
internal static class TestImageFiles
{
    /// <summary>Bytes 0..n-1 scrambled by a fixed affine map mod 256: every value appears, in no smooth order.</summary>
    public static byte[] Pattern(int length, int multiplier = 37, int offset = 11) =>
        Enumerable.Range(0, length).Select(i => (byte)((i * multiplier + offset) % 256)).ToArray();

    /// <summary>Writes an RGB image of <paramref name="bytes"/> (HWC) with ImageSharp's encoder for the path's extension.</summary>
    public static string SaveRgb(string path, int width, int height, byte[] bytes)
    {
        using Image<Rgb24> image = SixLabors.ImageSharp.Image.LoadPixelData<Rgb24>(bytes, width, height);
        image.Save(path);
        return path;
    }

    /// <summary>Writes a grey image of <paramref name="bytes"/> with ImageSharp's encoder for the path's extension.</summary>
    public static string SaveGrey(string path, int width, int height, byte[] bytes)
    {
        using Image<L8> image = SixLabors.ImageSharp.Image.LoadPixelData<L8>(bytes, width, height);
        image.Save(path);
        return path;
    }

    /// <summary>A grey image of one value.</summary>
    public static string SaveFlat(string path, int width, int height, byte value) =>
        SaveGrey(path, width, height, Enumerable.Repeat(value, width * height).ToArray());

    /// <summary>
    /// A PNG that is only a signature, an IHDR chunk claiming <paramref name="width"/> x <paramref name="height"/> RGB
    /// pixels (with a correct CRC) and IEND: a decompression bomb's header without its data (PNG spec §11.2.2).
    /// </summary>
    public static string ForgedPngHeader(string path, int width, int height)
    {
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 2; // colour type: truecolour
        using var file = new MemoryStream();
        file.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        WriteChunk(file, "IHDR", ihdr);
        WriteChunk(file, "IEND", []);
        File.WriteAllBytes(path, file.ToArray());
        return path;
    }

    private static void WriteChunk(Stream stream, string type, byte[] data)
    {
        var header = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(header, data.Length);
        System.Text.Encoding.ASCII.GetBytes(type, header.AsSpan(4));
        stream.Write(header);
        stream.Write(data);
        byte[] crcInput = [.. header.AsSpan(4).ToArray(), .. data];
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(crcInput));
        stream.Write(crc);
    }

    /// <summary>CRC-32 of PNG (ISO 3309, reflected polynomial 0xEDB88320).</summary>
    private static uint Crc32(byte[] data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
        }
        return ~crc;
    }
}
