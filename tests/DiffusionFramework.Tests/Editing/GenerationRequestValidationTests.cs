using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Editing;
using DiffusionFramework.Core.Pipelines;
using DiffusionFramework.Core.Sampling;
using DiffusionFramework.Core.Schedules;
using TorchSharp;

namespace DiffusionFramework.Tests.Editing;

/// <summary>Every bad request is refused with a message that names the problem, before the model is called.</summary>
public class GenerationRequestValidationTests
{
    private static readonly GenerationRequest Valid = new() { Count = 2, Steps = 5 };

    private static (ArgumentException Error, int Calls) Refuse(GenerationRequest request,
        PredictionType prediction = PredictionType.Epsilon)
    {
        using var scope = torch.NewDisposeScope();
        var denoiser = new FunctionDenoiser(prediction, (x, _, _) => x * 0.1);
        using DiffusionModel model = FunctionModality.Model(denoiser, [4]);
        var error = Assert.ThrowsAny<ArgumentException>(() => model.Generate(request));
        return (error, denoiser.Calls.Count);
    }

    public static TheoryData<string, string> BadRequests() => new()
    {
        { "strength -0.1", "strength must lie in [0, 1]" },
        { "strength 1.5", "strength must lie in [0, 1]" },
        { "strength NaN", "strength must lie in [0, 1]" },
        { "strength without init image", "needs an init image" },
        { "init image of the wrong shape", "the init image has shape [2, 3], which does not broadcast to the sample shape [2, 4]" },
        { "mask of the wrong shape", "the inpainting mask has shape [3, 4], which does not broadcast to the sample shape [2, 4]" },
        { "known image of the wrong shape", "the known image has shape [5], which does not broadcast to the sample shape [2, 4]" },
        { "mask values above 1", "values in [0, 1]" },
        { "mask without known image", "inpainting needs the data to keep" },
        { "known image without mask", "without a mask" },
        { "RePaint without mask", "RePaint settings were given without a mask" },
        { "RePaint jump length 0", "at least 1" },
        { "RePaint with a multistep sampler", "cannot resample" },
        { "steps 0", "inference steps must be at least 1, got 0" },
        { "count 0", "count must be at least 1" },
        { "unknown sampler", "unknown sampler \"nope\"" },
        { "guidance without a condition", "needs a condition to drop" },
        { "guidance rescale 2", "guidance rescale in [0, 1]" },
        { "guidance scale infinite", "guidance scale must be finite" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public void BadRequestIsRefusedBeforeAnyWork(string problem, string message)
    {
        using var scope = torch.NewDisposeScope();
        GenerationRequest request = problem switch
        {
            "strength -0.1" => Valid with { Strength = -0.1, InitImage = torch.zeros(2, 4) },
            "strength 1.5" => Valid with { Strength = 1.5, InitImage = torch.zeros(2, 4) },
            "strength NaN" => Valid with { Strength = double.NaN, InitImage = torch.zeros(2, 4) },
            "strength without init image" => Valid with { Strength = 0.5 },
            "init image of the wrong shape" => Valid with { Strength = 0.5, InitImage = torch.zeros(2, 3) },
            "mask of the wrong shape" => Valid with { Mask = torch.ones(3, 4), KnownImage = torch.zeros(4) },
            "known image of the wrong shape" => Valid with { Mask = torch.ones(4), KnownImage = torch.zeros(5) },
            "mask values above 1" => Valid with { Mask = torch.full(4, 2f), KnownImage = torch.zeros(4) },
            "mask without known image" => Valid with { Mask = torch.ones(4) },
            "known image without mask" => Valid with { KnownImage = torch.zeros(4) },
            "RePaint without mask" => Valid with { RePaint = new RePaintSettings() },
            "RePaint jump length 0" => Valid with
            {
                Mask = torch.ones(4), KnownImage = torch.zeros(4), RePaint = new RePaintSettings(0, 2),
            },
            "RePaint with a multistep sampler" => Valid with
            {
                Sampler = "dpmsolver++", Mask = torch.ones(4), KnownImage = torch.zeros(4),
                RePaint = new RePaintSettings(2, 2),
            },
            "steps 0" => Valid with { Steps = 0 },
            "count 0" => Valid with { Count = 0 },
            "unknown sampler" => Valid with { Sampler = "nope" },
            "guidance without a condition" => Valid with { GuidanceScale = 3 },
            "guidance rescale 2" => Valid with
            {
                GuidanceScale = 3, GuidanceRescale = 2,
                Conditioning = new Conditioning { ClassLabels = torch.zeros(2, dtype: torch.ScalarType.Int64) },
            },
            "guidance scale infinite" => Valid with { GuidanceScale = double.PositiveInfinity },
            _ => throw new ArgumentOutOfRangeException(nameof(problem)),
        };

        (ArgumentException error, int calls) = Refuse(request);

        Assert.Contains(message, error.Message);
        Assert.Equal(0, calls);
    }

    /// <summary>A sampler that only steps ε-models refuses an x0-model by name.</summary>
    [Fact]
    public void SamplerThatCannotStepThePredictionTypeIsNamed()
    {
        var registry = new SamplerRegistry([new EpsilonOnlySampler()]);
        (ArgumentException error, int calls) = Refuse(Valid with { Sampler = "eps-only", Samplers = registry },
            PredictionType.Sample);

        Assert.Contains("sampler 'eps-only' does not support sample models", error.Message);
        Assert.Equal(0, calls);
    }

    private sealed class EpsilonOnlySampler : ISampler
    {
        public string Name => "eps-only";

        public IReadOnlyList<string> Aliases { get; } = [];

        public bool IsStochastic => false;

        public IReadOnlyList<PredictionType> SupportedPredictionTypes { get; } = [PredictionType.Epsilon];

        public ISamplerRun CreateRun(SchedulerConfig config, int numInferenceSteps, SamplerRunOptions? options = null) =>
            new DdimSampler().CreateRun(config, numInferenceSteps, options);
    }
}
