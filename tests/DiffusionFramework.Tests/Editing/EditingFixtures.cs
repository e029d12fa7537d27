using System.Text.Json.Nodes;
using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Noise;
using DiffusionFramework.Core.Pipelines;
using DiffusionFramework.Core.Schedules;
using TorchSharp;

namespace DiffusionFramework.Tests.Editing;

/// <summary>A denoiser given as a function of (x, t, conditioning); records every call.</summary>
internal sealed class FunctionDenoiser(PredictionType predictionType,
    Func<torch.Tensor, torch.Tensor, Conditioning, torch.Tensor> forward) : IDenoiser
{
    public List<Conditioning> Calls { get; } = [];

    public PredictionType PredictionType { get; } = predictionType;

    public torch.nn.Module Module { get; } = torch.nn.Linear(1, 1);

    public torch.Tensor Forward(torch.Tensor sample, torch.Tensor timestep, Conditioning conditioning)
    {
        Calls.Add(conditioning);
        return forward(sample, timestep, conditioning);
    }
}

/// <summary>A modality around one denoiser, with samples of shape <see cref="Shape"/> and Gaussian noise (or the
/// noise sampler given).</summary>
internal sealed class FunctionModality(IDenoiser denoiser, long[] shape, INoiseSampler? noise = null) : IModality
{
    public long[] Shape { get; } = shape;

    public string Name => "test-function";

    public string Description => "a denoiser given as a function, for the editing tests";

    public TrainingDefaults TrainingDefaults { get; } = new(1, 1, 1e-3, 0);

    public INoiseSampler NoiseSampler { get; } = noise ?? GaussianNoiseSampler.Instance;

    public IReadOnlyList<IMetric> CreateMetrics(JsonObject networkConfig) => [];

    public ISampleWriter Writer => throw new NotSupportedException();

    public JsonObject DefaultNetworkConfig() => [];

    public long[] SampleShape(JsonObject networkConfig) => Shape;

    public IDenoiser CreateDenoiser(JsonObject networkConfig, torch.Device device) => denoiser;

    public IDiffusionDataset OpenDataset(string? path, JsonObject networkConfig) => throw new NotSupportedException();

    public Conditioning SamplingConditioning(int batchSize, IReadOnlyDictionary<string, string> options,
        torch.Device device) => Conditioning.None;

    /// <summary>A model of <paramref name="denoiser"/> on the CPU with <paramref name="scheduler"/>.</summary>
    public static DiffusionModel Model(IDenoiser denoiser, long[] shape, SchedulerConfig? scheduler = null,
        INoiseSampler? noise = null) =>
        DiffusionModel.Create(new FunctionModality(denoiser, shape, noise),
            new PluginInfo("editing-tests", "1.0.0", "test-function", "tests"), torch.CPU, scheduler: scheduler);
}

/// <summary>Float comparisons of whole tensors.</summary>
internal static class Bits
{
    /// <summary>The float32 bit patterns of <paramref name="tensor"/>.</summary>
    public static int[] Of(torch.Tensor tensor) =>
        tensor.to(torch.ScalarType.Float32).contiguous().data<float>().ToArray().Select(BitConverter.SingleToInt32Bits)
            .ToArray();

    /// <summary>Largest absolute difference.</summary>
    public static double MaxDiff(torch.Tensor a, torch.Tensor b) => (a - b).abs().max().ToDouble();
}
