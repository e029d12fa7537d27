using System.Buffers.Binary;
using System.Text;
using static TorchSharp.torch;

namespace DiffusionFramework.Tests.Checkpoints;

/// <summary>Builds safetensors files byte by byte from the specification, independently of the code under test.</summary>
internal static class SafeTensorsTestFiles
{
    /// <summary>The 8-byte little-endian length of <paramref name="header"/>, its UTF-8 bytes, then the data.</summary>
    public static byte[] File(string header, params byte[][] data)
    {
        byte[] json = Encoding.UTF8.GetBytes(header);
        return [.. LittleEndianU64((ulong)json.Length), .. json, .. data.SelectMany(d => d)];
    }

    public static byte[] LittleEndianU64(ulong value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        return bytes;
    }

    public static byte[] F32(params float[] values) => Pack(values, 4, (b, v) => BinaryPrimitives.WriteSingleLittleEndian(b, v));

    public static byte[] F32Bits(params uint[] bits) => Pack(bits, 4, (b, v) => BinaryPrimitives.WriteUInt32LittleEndian(b, v));

    public static byte[] F64(params double[] values) => Pack(values, 8, (b, v) => BinaryPrimitives.WriteDoubleLittleEndian(b, v));

    public static byte[] I64(params long[] values) => Pack(values, 8, (b, v) => BinaryPrimitives.WriteInt64LittleEndian(b, v));

    public static byte[] I32(params int[] values) => Pack(values, 4, (b, v) => BinaryPrimitives.WriteInt32LittleEndian(b, v));

    public static byte[] U16(params ushort[] values) => Pack(values, 2, (b, v) => BinaryPrimitives.WriteUInt16LittleEndian(b, v));

    /// <summary>A CPU tensor whose memory is exactly <paramref name="bytes"/>.</summary>
    public static Tensor FromBytes(ScalarType dtype, long[] shape, byte[] bytes)
    {
        Tensor tensor = empty(shape, dtype);
        tensor.bytes = bytes;
        return tensor;
    }

    /// <summary>The raw bytes of a tensor (copied to contiguous CPU memory).</summary>
    public static byte[] BytesOf(Tensor tensor)
    {
        using Tensor cpu = tensor.cpu().contiguous();
        return cpu.numel() == 0 ? [] : cpu.bytes.ToArray();
    }

    private static byte[] Pack<T>(T[] values, int size, SpanAction<T> write)
    {
        var bytes = new byte[values.Length * size];
        for (int i = 0; i < values.Length; i++)
            write(bytes.AsSpan(i * size, size), values[i]);
        return bytes;
    }

    private delegate void SpanAction<in T>(Span<byte> destination, T value);
}

/// <summary>A temporary folder deleted with its content on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("df-ckpt-").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
