using DiffusionFramework.Core.IO;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionFramework.Core.Checkpoints;

/// <summary>
/// Reads and writes the safetensors format (https://huggingface.co/docs/safetensors, reference implementation
/// huggingface/safetensors): an 8-byte little-endian header length N, N bytes of UTF-8 JSON describing each tensor's
/// dtype, shape and byte range, then the tensors' bytes, little-endian and row-major, packed without gaps.
/// Files written here are byte-identical to those of the reference writer (Python <c>safetensors.torch.save_file</c>)
/// for the same tensors and at most one metadata entry, and files it writes load here unchanged.
/// </summary>
public static class SafeTensors
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Reads and validates the header of <paramref name="path"/> without reading any tensor data.</summary>
    /// <exception cref="InvalidDataException">The file is not a well-formed safetensors file; the message starts with the path.</exception>
    public static SafeTensorsHeader ReadHeader(string path)
    {
        using FileStream stream = OpenRead(path);
        return SafeTensorsHeaderReader.Read(stream, path);
    }

    /// <summary>Reads every tensor of <paramref name="path"/>, in file order, onto <paramref name="device"/> (CPU when null).</summary>
    /// <remarks>
    /// The whole header is validated before any tensor is allocated, so the memory used is bounded by the file's size.
    /// The returned tensors belong to the caller (and to the caller's dispose scope, if any).
    /// </remarks>
    /// <exception cref="InvalidDataException">The file is not a well-formed safetensors file; the message starts with the path.</exception>
    public static Dictionary<string, Tensor> Read(string path, Device? device = null)
    {
        using FileStream stream = OpenRead(path);
        return Read(stream, path, device);
    }

    /// <summary>
    /// Reads every tensor of a safetensors file held in <paramref name="stream"/> (seekable, positioned at the file's
    /// start, e.g. an embedded resource), in file order, onto <paramref name="device"/> (CPU when null).
    /// </summary>
    /// <param name="stream">The file's bytes; it is read to the end and left open.</param>
    /// <param name="name">What the stream is (a path or resource name), used in error messages.</param>
    /// <param name="device">Where the tensors go; CPU when null.</param>
    /// <exception cref="InvalidDataException">The bytes are not a well-formed safetensors file; the message starts with <paramref name="name"/>.</exception>
    public static Dictionary<string, Tensor> Read(Stream stream, string name, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("safetensors I/O assumes a little-endian machine");
        SafeTensorsHeader header = SafeTensorsHeaderReader.Read(stream, name);
        using var scope = NewDisposeScope();
        var tensors = new Dictionary<string, Tensor>(header.Tensors.Count, StringComparer.Ordinal);
        foreach (SafeTensorsEntry entry in header.Tensors)
            tensors.Add(entry.Name, ReadTensor(stream, entry, device, name));
        foreach (Tensor tensor in tensors.Values)
            tensor.MoveToOuterDisposeScope();
        return tensors;
    }

    /// <summary>
    /// Writes <paramref name="tensors"/> (from any device, any layout) to <paramref name="path"/> atomically: a temporary
    /// file in the same folder is completed, flushed and then renamed over <paramref name="path"/>.
    /// </summary>
    /// <param name="path">The destination file; its folder is created if needed.</param>
    /// <param name="tensors">Names and tensors; dtypes must be one of <see cref="SafeTensorsDType"/>.</param>
    /// <param name="metadata">The optional <c>__metadata__</c> string map (e.g. <c>{"format": "pt"}</c>).</param>
    /// <exception cref="ArgumentException">A name repeats, is <c>__metadata__</c>, is not valid Unicode, or a dtype is unsupported.</exception>
    public static void Write(
        string path,
        IEnumerable<KeyValuePair<string, Tensor>> tensors,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(tensors);
        var byName = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var planned = new List<(string, SafeTensorsDType, long[])>();
        foreach (var (name, tensor) in tensors)
        {
            CheckText(name, "tensor name");
            ArgumentNullException.ThrowIfNull(tensor, $"tensor '{name}'");
            if (name == SafeTensorsHeader.MetadataKey)
                throw new ArgumentException($"'{name}' is reserved for the metadata and cannot name a tensor", nameof(tensors));
            if (!byName.TryAdd(name, tensor))
                throw new ArgumentException($"tensor '{name}' is given twice", nameof(tensors));
            if (!SafeTensorsDTypes.TryFromScalarType(tensor.dtype, out SafeTensorsDType dtype))
                throw new ArgumentException(
                    $"tensor '{name}' has dtype {tensor.dtype}, which cannot be written (supported: {SafeTensorsDTypes.ValidNames})",
                    nameof(tensors));
            planned.Add((name, dtype, tensor.shape));
        }
        foreach (var (key, value) in metadata ?? new Dictionary<string, string>())
        {
            CheckText(key, "metadata key");
            CheckText(value, $"metadata value of '{key}'");
        }

        List<SafeTensorsEntry> entries = SafeTensorsHeaderWriter.Layout(planned);
        byte[] header = SafeTensorsHeaderWriter.Serialize(entries, metadata);
        AtomicFile.Write(path, stream =>
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
            stream.Write(length);
            stream.Write(header);
            foreach (SafeTensorsEntry entry in entries)
                WriteTensor(stream, entry.Name, byName[entry.Name], path);
        });
    }

    private static FileStream OpenRead(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("safetensors I/O assumes a little-endian machine");
        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
    }

    /// <summary>Reads one tensor; the stream is at its first byte because entries come in offset order without gaps.</summary>
    private static Tensor ReadTensor(Stream stream, SafeTensorsEntry entry, Device? device, string path)
    {
        // BOOL is staged as bytes so that a byte other than 0 or 1 is caught instead of reaching torch as a bool.
        bool isBool = entry.DType == SafeTensorsDType.Bool;
        Tensor cpu = empty(entry.Shape.ToArray(), isBool ? ScalarType.Byte : entry.DType.ToScalarType());
        try
        {
            TensorBytes.Read(stream, cpu);
        }
        catch (EndOfStreamException)
        {
            throw SafeTensorsHeader.Invalid(path, $"file ends inside tensor '{entry.Name}' (truncated while reading?)");
        }
        if (isBool)
        {
            if (cpu.numel() > 0 && cpu.max().item<byte>() > 1)
                throw SafeTensorsHeader.Invalid(path, $"BOOL tensor '{entry.Name}' holds bytes other than 0 and 1");
            cpu = cpu.to(ScalarType.Bool);
        }
        return device is null || device.type == DeviceType.CPU ? cpu : cpu.to(device);
    }

    /// <summary>Appends the tensor's bytes, copied to contiguous CPU memory first when needed.</summary>
    /// <exception cref="InvalidOperationException">libtorch cannot produce the data (e.g. a meta tensor).</exception>
    private static void WriteTensor(Stream stream, string name, Tensor tensor, string path)
    {
        using var scope = NewDisposeScope();
        Tensor cpu;
        try
        {
            cpu = tensor.detach().cpu().contiguous();
        }
        catch (ExternalException e)
        {
            string reason = e.Message.Split('\n', 2)[0];
            throw new InvalidOperationException($"{path}: cannot copy the data of tensor '{name}': {reason}", e);
        }
        TensorBytes.Write(cpu, stream);
    }

    private static void CheckText(string? text, string what)
    {
        ArgumentNullException.ThrowIfNull(text, what);
        try
        {
            StrictUtf8.GetByteCount(text);
        }
        catch (EncoderFallbackException)
        {
            throw new ArgumentException($"{what} '{text}' is not valid Unicode (lone surrogate)");
        }
    }
}
