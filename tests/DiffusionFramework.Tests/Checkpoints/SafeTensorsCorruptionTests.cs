using System.Text;
using DiffusionFramework.Core.Checkpoints;
using static DiffusionFramework.Tests.Checkpoints.SafeTensorsTestFiles;

namespace DiffusionFramework.Tests.Checkpoints;

/// <summary>
/// Every malformed file gives an <see cref="InvalidDataException"/> whose message starts with the file's path and
/// names the problem, promptly, before any tensor is allocated: no native crash, hang or unbounded allocation.
/// </summary>
public class SafeTensorsCorruptionTests
{
    private const string Tensor8 = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";

    public static TheoryData<string, byte[], string> Cases() => new()
    {
        { "empty file", [], "file is 0 bytes, shorter than the 8-byte header length" },
        { "cut inside the length", [8, 0, 0, 0, 0], "file is 5 bytes" },
        { "header length larger than the file", [.. LittleEndianU64(1000), .. "{}      "u8], "header length 1000 exceeds the 8 bytes that follow it" },
        { "header length 2^63", [.. LittleEndianU64(1UL << 63), .. "{}      "u8], "header length 9223372036854775808 exceeds the 100000000-byte limit" },
        { "header length 2^64-1", [.. LittleEndianU64(ulong.MaxValue), .. "{}      "u8], "exceeds the 100000000-byte limit" },
        { "header length just over the limit", [.. LittleEndianU64(100_000_001), .. "{}      "u8], "exceeds the 100000000-byte limit" },
        { "truncated data", File(Tensor8, F32(1))[..^1], "tensors need 8 bytes after the header but the file holds 3" },
        { "truncated header", File(Tensor8, F32(1, 2))[..40], "header length 54 exceeds the 32 bytes that follow it" },
        { "trailing bytes", File(Tensor8, F32(1, 2), [0]), "1 bytes at the end of the file belong to no tensor" },
        { "invalid JSON", File("{\"a\":{\"dtype\":   "), "header is not valid JSON" },
        { "JSON that is not an object", File("[1, 2, 3]"), "header does not start with '{'" },
        { "leading garbage", File(" {}"), "header does not start with '{'" },
        { "invalid UTF-8", [.. LittleEndianU64(8), .. "{\""u8, 0xFF, .. "\":1} "u8], "header is not valid UTF-8" },
        { "deeply nested object", File("{\"__metadata__\":" + string.Concat(Enumerable.Repeat("{\"a\":", 100)) + "1" + new string('}', 101)), "header is not valid JSON" },
        { "unknown dtype", File(Tensor8.Replace("F32", "F17"), F32(1, 2)), "tensor 'a' has unknown or unsupported dtype 'F17' (supported: BOOL, U8, I8, I16, F16, BF16, I32, F32, F64, I64)" },
        { "lower-case dtype", File(Tensor8.Replace("F32", "f32"), F32(1, 2)), "unsupported dtype 'f32'" },
        { "unsupported U32", File(Tensor8.Replace("F32", "U32"), F32(1, 2)), "unsupported dtype 'U32'" },
        { "dtype not a string", File(Tensor8.Replace("\"F32\"", "32"), F32(1, 2)), "tensor 'a' has no string 'dtype'" },
        { "missing shape", File("{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,8]}}", F32(1, 2)), "tensor 'a' has no 'shape' array" },
        { "negative dimension", File(Tensor8.Replace("[2]", "[-2]"), F32(1, 2)), "'shape' entry that is not a non-negative integer: -2" },
        { "fractional dimension", File(Tensor8.Replace("[2]", "[2.5]"), F32(1, 2)), "not a non-negative integer: 2.5" },
        { "dimension beyond 64 bits", File(Tensor8.Replace("[2]", "[18446744073709551616]"), F32(1, 2)), "not a non-negative integer" },
        { "too many dimensions", File(Tensor8.Replace("[2]", "[2" + string.Concat(Enumerable.Repeat(",1", 64)) + "]"), F32(1, 2)), "65 dimensions" },
        { "shape/size mismatch", File(Tensor8.Replace("[2]", "[3]"), F32(1, 2)), "tensor 'a' is F32 [3] = 12 bytes, but its data_offsets [0,8] span 8" },
        { "shape product overflows", File(Tensor8.Replace("[2]", "[4611686018427387904,4]"), F32(1, 2)), "tensor 'a' has shape [4611686018427387904,4], whose byte size overflows" },
        { "huge tensor claimed in a tiny file", File("{\"a\":{\"dtype\":\"F32\",\"shape\":[1000000000000],\"data_offsets\":[0,4000000000000]}}", F32(1, 2)), "tensors need 4000000000000 bytes after the header but the file holds 8" },
        { "offsets of wrong arity", File(Tensor8.Replace("[0,8]", "[0,8,8]"), F32(1, 2)), "tensor 'a' has data_offsets [0,8,8], not [begin,end]" },
        { "offsets reversed", File(Tensor8.Replace("[0,8]", "[8,0]"), F32(1, 2)), "not [begin,end] with begin <= end" },
        { "overlapping offsets", File("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", F32(1, 2, 3)), "tensor 'b' at bytes [4,12] overlaps the tensor before it, which ends at 8" },
        { "identical offsets", File("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", F32(1, 2)), "tensor 'b' at bytes [0,8] overlaps" },
        { "gap between tensors", File("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", F32(1, 2, 3)), "4 bytes before tensor 'b' (bytes [4,8]) belong to no tensor" },
        { "gap at the start", File(Tensor8.Replace("[0,8]", "[4,12]"), F32(1, 2, 3)), "4 bytes before tensor 'a' (bytes [0,4]) belong to no tensor" },
        { "duplicate tensor name", File("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", F32(1, 2)), "header lists 'a' twice" },
        { "duplicate field", File("{\"a\":{\"dtype\":\"F32\",\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[0,4]}}", F32(1)), "tensor 'a' lists 'dtype' twice" },
        { "tensor entry not an object", File("{\"a\":[1]}"), "tensor 'a' is not described by an object" },
        { "metadata not a string map", File("{\"__metadata__\":{\"n\":1}}"), "__metadata__ value of 'n' is not a string" },
        { "metadata not an object", File("{\"__metadata__\":\"x\"}"), "__metadata__ is not an object of strings" },
        { "bool byte other than 0 or 1", File("{\"m\":{\"dtype\":\"BOOL\",\"shape\":[2],\"data_offsets\":[0,2]}}", [1, 2]), "BOOL tensor 'm' holds bytes other than 0 and 1" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task MalformedFileIsRejectedWithItsPathAndProblem(string name, byte[] file, string problem)
    {
        using var folder = new TempFolder();
        string path = folder.File($"{name.Replace(' ', '-').Replace('/', '-')}.safetensors");
        System.IO.File.WriteAllBytes(path, file);

        var error = await Assert.ThrowsAsync<InvalidDataException>(
            () => Task.Run(() => SafeTensors.Read(path)).WaitAsync(TimeSpan.FromSeconds(20)));

        Assert.StartsWith($"{path}: ", error.Message);
        Assert.Contains(problem, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void HeaderChecksRunWithoutReadingData()
    {
        using var folder = new TempFolder();
        string path = folder.File("x.safetensors");
        System.IO.File.WriteAllBytes(path, File(Tensor8.Replace("[0,8]", "[0,9]"), F32(1, 2), [0]));
        var error = Assert.Throws<InvalidDataException>(() => SafeTensors.ReadHeader(path));
        Assert.Equal($"{path}: tensor 'a' is F32 [2] = 8 bytes, but its data_offsets [0,9] span 9", error.Message);
    }

    [Fact]
    public void ValidHeaderWithSpacePaddingAndZeroSizedTensorsIsAccepted()
    {
        using var folder = new TempFolder();
        string path = folder.File("x.safetensors");
        string header = "{\"e\":{\"dtype\":\"I64\",\"shape\":[0,3],\"data_offsets\":[0,0]},\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}}";
        System.IO.File.WriteAllBytes(path, File(header + "   ", [7]));
        SafeTensorsHeader read = SafeTensors.ReadHeader(path);
        Assert.Equal(new[] { "e", "a" }, read.Tensors.Select(t => t.Name));
        Assert.Equal(8 + Encoding.UTF8.GetByteCount(header) + 3, read.DataStart);
    }

    [Fact]
    public void MissingFileNamesThePath()
    {
        using var folder = new TempFolder();
        string path = folder.File("absent.safetensors");
        Assert.Contains(path, Assert.Throws<FileNotFoundException>(() => SafeTensors.Read(path)).Message);
    }
}
