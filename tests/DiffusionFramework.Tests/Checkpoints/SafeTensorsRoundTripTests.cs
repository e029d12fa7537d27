using DiffusionFramework.Core.Checkpoints;
using static DiffusionFramework.Tests.Checkpoints.SafeTensorsTestFiles;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionFramework.Tests.Checkpoints;

/// <summary>Write then read returns every tensor bit for bit, for every supported dtype and layout.</summary>
public class SafeTensorsRoundTripTests
{
    public static TheoryData<ScalarType> Dtypes() =>
    [
        ScalarType.Float64, ScalarType.Float32, ScalarType.Float16, ScalarType.BFloat16, ScalarType.Int64,
        ScalarType.Int32, ScalarType.Int16, ScalarType.Int8, ScalarType.Byte, ScalarType.Bool,
    ];

    [Theory]
    [MemberData(nameof(Dtypes))]
    public void EveryDtypeRoundTripsBitExact(ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        using var folder = new TempFolder();
        string path = folder.File("t.safetensors");
        var random = new Random(1234);
        long[] shape = [3, 5, 7];
        int size = (int)(105 * empty(1, dtype: dtype).element_size());
        byte[] bytes = new byte[size];
        if (dtype == ScalarType.Bool)
            bytes = bytes.Select(_ => (byte)random.Next(2)).ToArray();
        else
            random.NextBytes(bytes);
        var tensors = new Dictionary<string, Tensor>
        {
            ["random"] = FromBytes(dtype, shape, bytes),
            ["scalar"] = FromBytes(dtype, [], bytes[..(size / 105)]),
            ["empty"] = empty([4, 0], dtype: dtype),
        };

        SafeTensors.Write(path, tensors);
        Dictionary<string, Tensor> read = SafeTensors.Read(path, CPU);

        Assert.Equal(tensors.Keys.Order(), read.Keys.Order());
        foreach (var (name, expected) in tensors)
        {
            Assert.Equal(dtype, read[name].dtype);
            Assert.Equal(expected.shape, read[name].shape);
            Assert.Equal(DeviceType.CPU, read[name].device_type);
            Assert.Equal(BytesOf(expected), BytesOf(read[name]));
        }
        // Rewriting what was read reproduces the file exactly.
        SafeTensors.Write(folder.File("again.safetensors"), read);
        Assert.Equal(System.IO.File.ReadAllBytes(path), System.IO.File.ReadAllBytes(folder.File("again.safetensors")));
    }

    [Fact]
    public void TensorsLargerThanOneCopyChunkKeepTheirOrder()
    {
        using var scope = NewDisposeScope();
        using var folder = new TempFolder();
        string path = folder.File("large.safetensors");
        // 17M int32 = 68 MB, more than the 64 MiB moved per chunk: each element is its own index.
        Tensor large = arange(17_000_000, dtype: ScalarType.Int32).reshape(1000, 17000);

        SafeTensors.Write(path, new Dictionary<string, Tensor> { ["large"] = large });
        Tensor read = SafeTensors.Read(path)["large"];

        Assert.Equal(8 + 80 + 68_000_000, new FileInfo(path).Length);   // 74-byte header padded to 80
        Assert.True(read.eq(large).all().item<bool>());
        Assert.Equal(16_999_999, read[999, 16999].item<int>());
    }

    [Fact]
    public void FloatSpecialValuesKeepTheirBits()
    {
        using var scope = NewDisposeScope();
        using var folder = new TempFolder();
        string path = folder.File("special.safetensors");
        // Quiet NaN with payload, signalling NaN, negative NaN, -0.0, +/-inf, smallest subnormal, max.
        uint[] f32 = [0x7FC12345, 0x7F800001, 0xFFC00000, 0x80000000, 0x7F800000, 0xFF800000, 0x00000001, 0x7F7FFFFF];
        ulong[] f64 = [0x7FF8DEADBEEF0001, 0x7FF0000000000001, 0x8000000000000000, 0x0000000000000001];
        byte[] f64Bytes = f64.SelectMany(BitConverter.GetBytes).ToArray();
        var tensors = new Dictionary<string, Tensor>
        {
            ["f32"] = FromBytes(ScalarType.Float32, [f32.Length], F32Bits(f32)),
            ["f64"] = FromBytes(ScalarType.Float64, [f64.Length], f64Bytes),
            ["f16"] = FromBytes(ScalarType.Float16, [3], U16(0x7E01, 0x8000, 0xFC00)),
            ["bf16"] = FromBytes(ScalarType.BFloat16, [3], U16(0x7FC1, 0x8000, 0x0001)),
        };

        SafeTensors.Write(path, tensors);
        Dictionary<string, Tensor> read = SafeTensors.Read(path);

        Assert.Equal(F32Bits(f32), BytesOf(read["f32"]));
        Assert.Equal(f64Bytes, BytesOf(read["f64"]));
        Assert.Equal(U16(0x7E01, 0x8000, 0xFC00), BytesOf(read["f16"]));
        Assert.Equal(U16(0x7FC1, 0x8000, 0x0001), BytesOf(read["bf16"]));
    }

    [Fact]
    public void NonContiguousTensorsAreWrittenRowMajor()
    {
        using var scope = NewDisposeScope();
        using var folder = new TempFolder();
        string path = folder.File("t.safetensors");
        Tensor transposed = arange(6, dtype: ScalarType.Float32).reshape(2, 3).t();   // [[0,3],[1,4],[2,5]]
        Tensor strided = arange(10, dtype: ScalarType.Int64)[TensorIndex.Slice(1, null, 3)]; // [1,4,7]

        SafeTensors.Write(path, new Dictionary<string, Tensor> { ["t"] = transposed, ["s"] = strided });

        byte[] file = System.IO.File.ReadAllBytes(path);
        Assert.Equal([.. I64(1, 4, 7), .. F32(0, 3, 1, 4, 2, 5)], file[^48..]);
        Dictionary<string, Tensor> read = SafeTensors.Read(path);
        Assert.Equal(new long[] { 3, 2 }, read["t"].shape);
        Assert.Equal(BytesOf(transposed), BytesOf(read["t"]));
    }

    [Fact]
    public void TensorsThatRequireGradAreWrittenFromTheirData()
    {
        using var scope = NewDisposeScope();
        using var folder = new TempFolder();
        string path = folder.File("t.safetensors");
        Tensor weight = randn(4, 3).requires_grad_();
        SafeTensors.Write(path, new Dictionary<string, Tensor> { ["w"] = weight });
        Tensor read = SafeTensors.Read(path)["w"];
        Assert.False(read.requires_grad);
        Assert.Equal(BytesOf(weight.detach()), BytesOf(read));
    }

    [Fact]
    public void WriterRejectsWhatTheFormatCannotHold()
    {
        using var scope = NewDisposeScope();
        using var folder = new TempFolder();
        string path = folder.File("t.safetensors");
        var complexTensor = new Dictionary<string, Tensor> { ["c"] = zeros(2, dtype: ScalarType.ComplexFloat32) };
        var reserved = new Dictionary<string, Tensor> { ["__metadata__"] = zeros(1) };
        var twice = new[] { KeyValuePair.Create("a", zeros(1)), KeyValuePair.Create("a", ones(1)) };
        var loneSurrogate = new Dictionary<string, Tensor> { ["\uD800"] = zeros(1) };

        Assert.Contains("tensor 'c' has dtype ComplexFloat32", Assert.Throws<ArgumentException>(() => SafeTensors.Write(path, complexTensor)).Message);
        Assert.Contains("reserved", Assert.Throws<ArgumentException>(() => SafeTensors.Write(path, reserved)).Message);
        Assert.Contains("tensor 'a' is given twice", Assert.Throws<ArgumentException>(() => SafeTensors.Write(path, twice)).Message);
        Assert.Contains("lone surrogate", Assert.Throws<ArgumentException>(() => SafeTensors.Write(path, loneSurrogate)).Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(folder.Path));
    }

    [Fact]
    public void FailedWriteKeepsThePreviousFileAndLeavesNoTemporary()
    {
        using var scope = NewDisposeScope();
        using var folder = new TempFolder();
        string path = folder.File("t.safetensors");
        SafeTensors.Write(path, new Dictionary<string, Tensor> { ["a"] = ones(3) });
        byte[] before = System.IO.File.ReadAllBytes(path);
        // A tensor on the meta device has a dtype and shape but no data: it fails only when its bytes are copied.
        Tensor noData = empty(2, device: device("meta"));

        var error = Assert.Throws<InvalidOperationException>(
            () => SafeTensors.Write(path, new Dictionary<string, Tensor> { ["a"] = zeros(3), ["b"] = noData }));

        Assert.StartsWith($"{path}: cannot copy the data of tensor 'b': Cannot copy out of meta tensor", error.Message);
        Assert.DoesNotContain('\n', error.Message);

        Assert.Equal(before, System.IO.File.ReadAllBytes(path));
        Assert.Equal(new[] { path }, Directory.GetFiles(folder.Path));
    }
}
