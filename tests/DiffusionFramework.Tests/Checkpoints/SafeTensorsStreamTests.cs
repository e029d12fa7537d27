using DiffusionFramework.Core.Checkpoints;
using static TorchSharp.torch;

namespace DiffusionFramework.Tests.Checkpoints;

/// <summary>Reading safetensors from a stream (embedded resources) gives the file's tensors and names the stream in errors.</summary>
public class SafeTensorsStreamTests
{
    [Fact]
    public void StreamReadMatchesTheWrittenTensorsAndLoadsAModule()
    {
        string path = Path.Combine(Path.GetTempPath(), $"{Guid.NewGuid():N}.safetensors");
        try
        {
            using var scope = NewDisposeScope();
            using var source = nn.Linear(3, 2);
            SafeTensors.Write(path, source.state_dict());
            using var stream = new MemoryStream(File.ReadAllBytes(path));
            Dictionary<string, Tensor> read = SafeTensors.Read(stream, "memory");
            Assert.True(read["weight"].eq(source.weight!).all().item<bool>());

            using var target = nn.Linear(3, 2);
            stream.Position = 0;
            ModuleWeights.LoadInto(stream, "memory", target);
            Assert.True(target.bias!.eq(source.bias!).all().item<bool>());

            using var wrong = nn.Linear(4, 2);
            stream.Position = 0;
            string message = Assert.Throws<InvalidDataException>(() => ModuleWeights.LoadInto(stream, "memory", wrong)).Message;
            Assert.StartsWith("memory: tensor 'weight' has shape [2,3] but the network expects [2,4]", message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void TruncatedStreamIsReportedWithItsName()
    {
        using var stream = new MemoryStream([1, 2, 3]);
        string message = Assert.Throws<InvalidDataException>(() => SafeTensors.Read(stream, "resource.safetensors")).Message;
        Assert.StartsWith("resource.safetensors", message);
    }
}
