using System.Text;
using DiffusionFramework.Core.Checkpoints;
using static DiffusionFramework.Tests.Checkpoints.SafeTensorsTestFiles;
using static TorchSharp.torch;

namespace DiffusionFramework.Tests.Checkpoints;

/// <summary>
/// The reader decodes, and the writer produces, the exact bytes the safetensors specification and its reference
/// implementation define (expected bytes are written out by hand or copied from the reference's own unit tests in
/// huggingface/safetensors <c>safetensors/src/tensor.rs</c>).
/// </summary>
public class SafeTensorsSpecTests
{
    /// <summary>Reference test <c>test_serialization</c>: "attn.0", F32 [1,2,3] = 0..5; the header is exactly 64 bytes.</summary>
    private static readonly byte[] ReferenceAttn0 =
    [
        64, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 46, 48, 34, 58, 123, 34, 100,
        116, 121, 112, 101, 34, 58, 34, 70, 51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34,
        58, 91, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97, 95, 111, 102, 102, 115,
        101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 0, 0, 0, 0, 0, 0, 128, 63,
        0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64,
    ];

    /// <summary>Reference test <c>test_serialization_forced_alignement</c>: a 65-byte header padded with 7 spaces.</summary>
    private static readonly byte[] ReferenceAttn0Padded =
    [
        72, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 48, 34, 58, 123, 34, 100, 116,
        121, 112, 101, 34, 58, 34, 70, 51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34, 58,
        91, 49, 44, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97, 95, 111, 102, 102,
        115, 101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 32, 32, 32, 32, 32,
        32, 32, 0, 0, 0, 0, 0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0,
        160, 64,
    ];

    /// <summary>Reference test <c>test_empty</c>, with and without <c>{"framework": "pt"}</c> metadata.</summary>
    private static readonly byte[] ReferenceEmpty = [8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32];

    private static readonly byte[] ReferenceEmptyWithMetadata =
    [
        40, 0, 0, 0, 0, 0, 0, 0, 123, 34, 95, 95, 109, 101, 116, 97, 100, 97, 116, 97, 95,
        95, 34, 58, 123, 34, 102, 114, 97, 109, 101, 119, 111, 114, 107, 34, 58, 34, 112,
        116, 34, 125, 125, 32, 32, 32, 32, 32,
    ];

    /// <summary>
    /// Eleven tensors of every supported dtype, in the reference writer's order: dtype descending in the
    /// specification's Dtype order (I64, F64, F32, I32, BF16, F16, I16, I8, U8, BOOL), then name; 636 bytes of JSON
    /// + 4 spaces.
    /// </summary>
    private const string MixedHeader =
        "{\"__metadata__\":{\"format\":\"pt\"}," +
        "\"z\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}," +
        "\"s\":{\"dtype\":\"F64\",\"shape\":[],\"data_offsets\":[8,16]}," +
        "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[16,20]}," +
        "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[20,28]}," +
        "\"k\":{\"dtype\":\"I32\",\"shape\":[2,1],\"data_offsets\":[28,36]}," +
        "\"g\":{\"dtype\":\"BF16\",\"shape\":[1],\"data_offsets\":[36,38]}," +
        "\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[38,42]}," +
        "\"q\":{\"dtype\":\"I16\",\"shape\":[1],\"data_offsets\":[42,44]}," +
        "\"i8\":{\"dtype\":\"I8\",\"shape\":[2],\"data_offsets\":[44,46]}," +
        "\"u\":{\"dtype\":\"U8\",\"shape\":[0],\"data_offsets\":[46,46]}," +
        "\"m\":{\"dtype\":\"BOOL\",\"shape\":[3],\"data_offsets\":[46,49]}}    ";

    private static byte[] MixedFile() => File(
        MixedHeader,
        I64(-2),
        F64(0.25),
        F32Bits(0x7FC12345),
        F32(1.5f, -0.0f),
        I32(7, -8),
        U16(0x3F80),
        U16(0x3C00, 0xC000),
        U16(0x8001),
        [0xFF, 0x05],
        [1, 0, 1]);

    private static Dictionary<string, Tensor> MixedTensors() => new()
    {
        ["m"] = tensor(new[] { true, false, true }),
        ["b"] = tensor(new[] { 1.5f, -0.0f }),
        ["i8"] = tensor(new sbyte[] { -1, 5 }),
        ["a"] = FromBytes(ScalarType.Float32, [1], F32Bits(0x7FC12345)),
        ["u"] = zeros(0, dtype: ScalarType.Byte),
        ["s"] = tensor(0.25),
        ["z"] = tensor(new long[] { -2 }),
        ["k"] = tensor(new[] { 7, -8 }).reshape(2, 1),
        ["h"] = FromBytes(ScalarType.Float16, [2], U16(0x3C00, 0xC000)),
        ["q"] = tensor(new short[] { -32767 }),
        ["g"] = FromBytes(ScalarType.BFloat16, [1], U16(0x3F80)),
    };

    [Theory]
    [InlineData("attn.0", new long[] { 1, 2, 3 })]
    [InlineData("attn0", new long[] { 1, 1, 2, 3 })]
    public void WriterReproducesReferenceSerialization(string name, long[] shape)
    {
        using var scope = NewDisposeScope();
        using var folder = new TempFolder();
        string path = folder.File("x.safetensors");
        SafeTensors.Write(path, new Dictionary<string, Tensor> { [name] = arange(6, dtype: ScalarType.Float32).reshape(shape) });
        Assert.Equal(name == "attn.0" ? ReferenceAttn0 : ReferenceAttn0Padded, System.IO.File.ReadAllBytes(path));
    }

    [Fact]
    public void WriterReproducesReferenceEmptyFiles()
    {
        using var folder = new TempFolder();
        SafeTensors.Write(folder.File("a.safetensors"), new Dictionary<string, Tensor>());
        SafeTensors.Write(folder.File("b.safetensors"), new Dictionary<string, Tensor>(),
            new Dictionary<string, string> { ["framework"] = "pt" });
        Assert.Equal(ReferenceEmpty, System.IO.File.ReadAllBytes(folder.File("a.safetensors")));
        Assert.Equal(ReferenceEmptyWithMetadata, System.IO.File.ReadAllBytes(folder.File("b.safetensors")));
    }

    [Fact]
    public void ReaderDecodesReferenceSerialization()
    {
        using var scope = NewDisposeScope();
        using var folder = new TempFolder();
        string path = folder.File("x.safetensors");
        System.IO.File.WriteAllBytes(path, ReferenceAttn0Padded);
        Dictionary<string, Tensor> read = SafeTensors.Read(path);
        Tensor t = Assert.Single(read).Value;
        Assert.Equal("attn0", read.Keys.Single());
        Assert.Equal(ScalarType.Float32, t.dtype);
        Assert.Equal(new long[] { 1, 1, 2, 3 }, t.shape);
        Assert.Equal(new[] { 0f, 1, 2, 3, 4, 5 }, t.data<float>().ToArray());
    }

    [Fact]
    public void WriterOrdersPadsAndPacksEveryDtypeAsTheSpecification()
    {
        using var scope = NewDisposeScope();
        using var folder = new TempFolder();
        string path = folder.File("mixed.safetensors");
        Assert.Equal(640, Encoding.UTF8.GetByteCount(MixedHeader));
        SafeTensors.Write(path, MixedTensors(), new Dictionary<string, string> { ["format"] = "pt" });
        Assert.Equal(MixedFile(), System.IO.File.ReadAllBytes(path));
    }

    [Fact]
    public void ReaderDecodesEveryDtype()
    {
        using var scope = NewDisposeScope();
        using var folder = new TempFolder();
        string path = folder.File("mixed.safetensors");
        System.IO.File.WriteAllBytes(path, MixedFile());

        Dictionary<string, Tensor> read = SafeTensors.Read(path);

        Assert.Equal(new[] { "z", "s", "a", "b", "k", "g", "h", "q", "i8", "u", "m" }, read.Keys);
        foreach (var (name, expected) in MixedTensors())
        {
            Assert.Equal(expected.dtype, read[name].dtype);
            Assert.Equal(expected.shape, read[name].shape);
            Assert.Equal(BytesOf(expected), BytesOf(read[name]));
        }
        Assert.Equal(new[] { true, false, true }, read["m"].data<bool>().ToArray());
        Assert.Equal(-2L, read["z"].item<long>());
        Assert.Equal(0x7FC12345u, BitConverter.SingleToUInt32Bits(read["a"].item<float>()));
        Assert.Equal(0x80000000u, BitConverter.SingleToUInt32Bits(read["b"][1].item<float>()));
        Assert.Equal(new[] { 1f, -2f }, read["h"].to(ScalarType.Float32).data<float>().ToArray());
        Assert.Equal(1f, read["g"].to(ScalarType.Float32).item<float>());
        Assert.Equal(new sbyte[] { -1, 5 }, read["i8"].data<sbyte>().ToArray());
        Assert.Equal(new[] { 7, -8 }, read["k"].data<int>().ToArray());
        Assert.Equal(-32767, read["q"].item<short>());
        Assert.Equal(new Dictionary<string, string> { ["format"] = "pt" }, SafeTensors.ReadHeader(path).Metadata);
    }

    [Fact]
    public void ReaderAcceptsAnyKeyOrderWhitespaceAndUnknownFields()
    {
        using var scope = NewDisposeScope();
        using var folder = new TempFolder();
        string path = folder.File("loose.safetensors");
        // Header in name order (as older writers produced), pretty-printed, with a field the format does not define.
        string header = "{\n  \"a\": {\"data_offsets\": [8, 12], \"shape\": [1], \"dtype\": \"F32\", \"note\": 1},\n" +
                        "  \"b\": {\"dtype\": \"I64\", \"shape\": [], \"data_offsets\": [0, 8]}\n}";
        System.IO.File.WriteAllBytes(path, File(header, I64(long.MinValue), F32(-3.25f)));

        Dictionary<string, Tensor> read = SafeTensors.Read(path);

        Assert.Equal(new[] { "b", "a" }, read.Keys);
        Assert.Equal(long.MinValue, read["b"].item<long>());
        Assert.Empty(read["b"].shape);
        Assert.Equal(-3.25f, read["a"].item<float>());
        Assert.Empty(SafeTensors.ReadHeader(path).Metadata);
    }

    [Fact]
    public void NamesAreEscapedAsSerdeJsonAndSortedByUtf8Bytes()
    {
        using var scope = NewDisposeScope();
        using var folder = new TempFolder();
        string path = folder.File("names.safetensors");
        // U+FF21 sorts before U+1F600 in UTF-8 (EF BC A1 < F0 9F 98 80) but after it in UTF-16 (FF21 > D83D).
        var tensors = new Dictionary<string, Tensor>
        {
            ["\uFF21"] = zeros(0), ["\U0001F600"] = zeros(0), ["q\"\\\n\u0001/<é"] = zeros(0),
        };
        SafeTensors.Write(path, tensors);
        string expected = "{\"q\\\"\\\\\\n\\u0001/<é\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}," +
                          "\"\uFF21\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}," +
                          "\"\U0001F600\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}}";
        expected += new string(' ', (8 - Encoding.UTF8.GetByteCount(expected) % 8) % 8);
        Assert.Equal(File(expected), System.IO.File.ReadAllBytes(path));
        Assert.Equal(tensors.Keys.Order(StringComparer.Ordinal), SafeTensors.Read(path).Keys.Order(StringComparer.Ordinal));
    }
}
