using TorchSharp;

namespace DiffusionFramework.Core.Checkpoints;

/// <summary>
/// The element types of the safetensors format that this framework reads and writes
/// (huggingface/safetensors, <c>safetensors/src/tensor.rs</c>, <c>enum Dtype</c>).
/// </summary>
/// <remarks>
/// Members are declared in the relative order of the specification's <c>Dtype</c> enum, which the reference writer
/// sorts on (descending) before the tensor name; the numeric values are that order, so they must not be reordered.
/// The format's U16, U32, U64 and FP8 types have no TorchSharp counterpart and are rejected with a clear error.
/// </remarks>
public enum SafeTensorsDType
{
    /// <summary><c>BOOL</c>: one byte, 0 or 1.</summary>
    Bool,

    /// <summary><c>U8</c>: unsigned byte.</summary>
    U8,

    /// <summary><c>I8</c>: signed byte.</summary>
    I8,

    /// <summary><c>I16</c>: signed 16-bit integer.</summary>
    I16,

    /// <summary><c>F16</c>: IEEE 754 half precision.</summary>
    F16,

    /// <summary><c>BF16</c>: bfloat16.</summary>
    BF16,

    /// <summary><c>I32</c>: signed 32-bit integer.</summary>
    I32,

    /// <summary><c>F32</c>: IEEE 754 single precision.</summary>
    F32,

    /// <summary><c>F64</c>: IEEE 754 double precision.</summary>
    F64,

    /// <summary><c>I64</c>: signed 64-bit integer.</summary>
    I64,
}

/// <summary>Names, sizes and TorchSharp types of <see cref="SafeTensorsDType"/>.</summary>
internal static class SafeTensorsDTypes
{
    private static readonly (SafeTensorsDType DType, string Name, int Size, torch.ScalarType Scalar)[] Table =
    [
        (SafeTensorsDType.Bool, "BOOL", 1, torch.ScalarType.Bool),
        (SafeTensorsDType.U8, "U8", 1, torch.ScalarType.Byte),
        (SafeTensorsDType.I8, "I8", 1, torch.ScalarType.Int8),
        (SafeTensorsDType.I16, "I16", 2, torch.ScalarType.Int16),
        (SafeTensorsDType.F16, "F16", 2, torch.ScalarType.Float16),
        (SafeTensorsDType.BF16, "BF16", 2, torch.ScalarType.BFloat16),
        (SafeTensorsDType.I32, "I32", 4, torch.ScalarType.Int32),
        (SafeTensorsDType.F32, "F32", 4, torch.ScalarType.Float32),
        (SafeTensorsDType.F64, "F64", 8, torch.ScalarType.Float64),
        (SafeTensorsDType.I64, "I64", 8, torch.ScalarType.Int64),
    ];

    /// <summary>The header spellings, for error messages.</summary>
    public static string ValidNames { get; } = string.Join(", ", Table.Select(e => e.Name));

    /// <summary>The spelling in the JSON header (<c>"F32"</c>).</summary>
    public static string Name(this SafeTensorsDType dtype) => Table[(int)dtype].Name;

    /// <summary>Bytes per element.</summary>
    public static int Size(this SafeTensorsDType dtype) => Table[(int)dtype].Size;

    /// <summary>The TorchSharp element type.</summary>
    public static torch.ScalarType ToScalarType(this SafeTensorsDType dtype) => Table[(int)dtype].Scalar;

    /// <summary>Parses a header spelling; false for any other string (spellings are case-sensitive).</summary>
    public static bool TryParse(string name, out SafeTensorsDType dtype)
    {
        foreach (var entry in Table)
        {
            if (entry.Name == name)
            {
                dtype = entry.DType;
                return true;
            }
        }
        dtype = default;
        return false;
    }

    /// <summary>The safetensors type of a TorchSharp element type; false when the format cannot hold it.</summary>
    public static bool TryFromScalarType(torch.ScalarType scalar, out SafeTensorsDType dtype)
    {
        foreach (var entry in Table)
        {
            if (entry.Scalar == scalar)
            {
                dtype = entry.DType;
                return true;
            }
        }
        dtype = default;
        return false;
    }
}
