using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Editing;
using DiffusionFramework.Core.Noise;
using DiffusionFramework.Core.Pipelines;
using DiffusionFramework.Core.Sampling;
using DiffusionFramework.Core.Schedules;
using DiffusionFramework.Tests.Reference;
using TorchSharp;

namespace DiffusionFramework.Tests.Editing;

/// <summary>RePaint: the jump schedule, the forward transition going back up, resampling equivalences and refusals.</summary>
public class RePaintTests
{
    private static readonly long[] Shape = [2, 1, 4, 4];

    private static Inpainting HalfInpainting() => Inpainting.Create(
        torch.tensor(new float[] { 1, 1, 0, 0 }).reshape(1, 1, 1, 4),
        torch.randn(Shape, generator: new torch.Generator(17)).clamp(-1, 1), Shape);

    /// <summary>
    /// diffusers' RePaint schedule for 6 steps, jump length 2, 2 samples (jumps at t = 0 and 2) is
    /// t = 5 4 3 2 3 4 3 2 1 0 1 2 1 0; its pipeline denoises at t when t &lt; t_last and otherwise undoes t_last.
    /// Step index = 5 - t.
    /// </summary>
    [Fact]
    public void ScheduleIsTheJumpScheduleOfTheRePaintPaper()
    {
        int[] t = [5, 4, 3, 2, 3, 4, 3, 2, 1, 0, 1, 2, 1, 0];
        var expected = new List<RePaintOperation>();
        int last = t[0] + 1;
        foreach (int k in t)
        {
            expected.Add(k < last ? new RePaintOperation(5 - k, false) : new RePaintOperation(5 - last, true));
            last = k;
        }

        Assert.Equal(expected, RePaint.Schedule(6, 0, new RePaintSettings(2, 2)));
        Assert.Equal(expected.Select(o => o with { StepIndex = o.StepIndex + 3 }),
            RePaint.Schedule(9, 3, new RePaintSettings(2, 2)));
        Assert.Equal(10, RePaint.DenoisingSteps(6, 0, new RePaintSettings(2, 2)));
    }

    [Theory]
    [InlineData(50, 0, 10, 10)]
    [InlineData(50, 20, 10, 10)]
    [InlineData(23, 0, 4, 3)]
    [InlineData(10, 0, 10, 5)]
    [InlineData(12, 0, 1, 2)]
    public void DenoisingStepsCountsTheSchedulesDenoisingOperations(int steps, int begin, int jump, int resample)
    {
        var settings = new RePaintSettings(jump, resample);
        List<RePaintOperation> operations = RePaint.Schedule(steps, begin, settings).ToList();
        Assert.Equal(operations.Count(o => !o.GoesBackUp), RePaint.DenoisingSteps(steps, begin, settings));
        Assert.Equal(operations.Count(o => o.GoesBackUp), RePaint.DenoisingSteps(steps, begin, settings) - (steps - begin));
        Assert.Equal(steps - 1, operations[^1].StepIndex);
    }

    /// <summary>q(x_i | x_j) for VP levels: N(√(ā_i/ā_j) x_j, (1 - ā_i/ā_j) I); in σ-space: x_j + √(σ_i² - σ_j²) ε.</summary>
    [Fact]
    public void GoingBackUpIsTheForwardTransition()
    {
        using var scope = torch.NewDisposeScope();
        torch.Tensor x = torch.tensor(new[] { 1.0, -2.0 }), eps = torch.tensor(new[] { 0.5, 3.0 });

        torch.Tensor vp = NoiseLevel.FromAlphaCumprod(0.5f).Renoise(x, NoiseLevel.FromAlphaCumprod(0.9f), eps);
        torch.Tensor ve = new NoiseLevel(1, 2).Renoise(x, new NoiseLevel(1, 1), eps);

        double ratio = 0.5f / 0.9f;
        Assert.True(Bits.MaxDiff(vp, x * Math.Sqrt(ratio) + eps * Math.Sqrt(1 - ratio)) < 1e-7);
        Assert.True(Bits.MaxDiff(ve, x + eps * Math.Sqrt(3)) < 1e-12);
    }

    /// <summary>After going back up from step i, the model's next input is (α_i/α_{i+1}) times the sample step i
    /// returned (zero noise, mask regenerating everything).</summary>
    [Fact]
    public void ResamplingRaisesTheSampleToTheStepsLevel()
    {
        using var scope = torch.NewDisposeScope();
        var config = new SchedulerConfig { ClipSample = false };
        IReadOnlyList<float> alphaBar = NoiseSchedule.FromConfig(config).AlphasCumprod;
        using ISamplerRun run = new DdimSampler().CreateRun(config, 6);
        var inpainting = Inpainting.Create(torch.ones(1), torch.zeros(Shape), Shape);
        var inputs = new List<torch.Tensor>();
        var outputs = new List<torch.Tensor>();

        RePaint.Sample(run, (x, t) =>
        {
            inputs.Add(x.clone().DetachFromDisposeScope());
            return ReferenceCases.SyntheticModel(x, t);
        }, torch.randn(Shape), inpainting, new RePaintSettings(2, 2), new SamplingOptions
        {
            NoiseSampler = new ZeroNoise(),
            Progress = p => outputs.Add(p.Sample.clone().DetachFromDisposeScope()),
        });

        // Operations: D0 D1 D2 D3 U3 U2 D2 D3 D4 D5 U5 U4 D4 D5; denoising call 6 (D2) follows U3, U2 after call 3 (D3).
        double a2 = alphaBar[(int)run.Timesteps[2]], a4 = alphaBar[(int)run.Timesteps[4]];
        Assert.Equal(10, inputs.Count);
        Assert.True(Bits.MaxDiff(inputs[4], outputs[3] * Math.Sqrt(a2 / a4)) < 1e-6);
        Assert.True(Bits.MaxDiff(inputs[8], outputs[7] * Math.Sqrt(alphaBar[(int)run.Timesteps[4]])) < 1e-6);
        foreach (torch.Tensor tensor in inputs.Concat(outputs))
        {
            tensor.Dispose();
        }
    }

    [Fact]
    public void OneSampleIsPlainKnownRegionReplacement()
    {
        using var scope = torch.NewDisposeScope();
        Inpainting inpainting = HalfInpainting();
        torch.Tensor xT = torch.randn(Shape, generator: new torch.Generator(1));
        using ISamplerRun first = new DdpmSampler().CreateRun(new SchedulerConfig(), 15);
        using ISamplerRun second = new DdpmSampler().CreateRun(new SchedulerConfig(), 15);
        var options = new SamplingOptions { Generator = new torch.Generator(8) };
        var again = new SamplingOptions { Generator = new torch.Generator(8) };

        torch.Tensor rePaint = RePaint.Sample(first, ReferenceCases.SyntheticModel, xT, inpainting, new RePaintSettings(3, 1), options);
        torch.Tensor plain = DiffusionSampling.Sample(second, ReferenceCases.SyntheticModel, xT,
            again with { AfterStep = inpainting.ReplaceKnown(second, again.CreateStepNoise()) });

        Assert.Equal(Bits.Of(plain), Bits.Of(rePaint));
    }

    [Fact]
    public void ResamplingKeepsTheKnownRegionAndCallsTheModelOncePerDenoisingStep()
    {
        using var scope = torch.NewDisposeScope();
        Inpainting inpainting = HalfInpainting();
        using ISamplerRun run = new DdpmSampler().CreateRun(new SchedulerConfig(), 20);
        var settings = new RePaintSettings(4, 3);
        int calls = 0;

        torch.Tensor result = RePaint.Sample(run, (x, t) =>
        {
            calls++;
            return ReferenceCases.SyntheticModel(x, t);
        }, torch.randn(Shape), inpainting, settings, new SamplingOptions { Generator = new torch.Generator(2) });

        torch.Tensor keep = inpainting.Mask.eq(0);
        Assert.Equal(Bits.Of(inpainting.Known.masked_select(keep)), Bits.Of(result.masked_select(keep)));
        Assert.Equal(RePaint.DenoisingSteps(20, 0, settings), calls);
        Assert.Equal(20 + 4 * 4 * 2, calls); // jump points 0, 4, 8, 12: 4 levels each, 2 more times
    }

    [Fact]
    public void ResamplingWithAMultistepRunIsRefusedBeforeAnyModelCall()
    {
        using var scope = torch.NewDisposeScope();
        using ISamplerRun run = new DpmSolverMultistepSampler().CreateRun(new SchedulerConfig(), 20);
        int calls = 0;

        var error = Assert.Throws<ArgumentException>(() => RePaint.Sample(run, (x, _) =>
        {
            calls++;
            return x;
        }, torch.randn(Shape), HalfInpainting(), new RePaintSettings(4, 3)));

        Assert.Contains("cannot resample", error.Message);
        Assert.Equal(0, calls);
    }

    [Theory]
    [InlineData(0, 10)]
    [InlineData(10, 0)]
    public void NonPositiveSettingsAreRefused(int jump, int resample)
    {
        var error = Assert.Throws<ArgumentException>(() => RePaint.Schedule(10, 0, new RePaintSettings(jump, resample)));
        Assert.Contains("at least 1", error.Message);
    }

    [Fact]
    public void GenerateRunsRePaintFromTheRequest()
    {
        using var scope = torch.NewDisposeScope();
        var denoiser = new FunctionDenoiser(PredictionType.Epsilon, (x, t, _) => ReferenceCases.SyntheticModel(x, t));
        using DiffusionModel model = FunctionModality.Model(denoiser, [1, 4, 4], noise: GaussianNoiseSampler.Instance);
        Inpainting reference = HalfInpainting();

        torch.Tensor result = model.Generate(new GenerationRequest
        {
            Count = 2, Steps = 12, Sampler = "ddpm", Mask = reference.Mask, KnownImage = reference.Known,
            RePaint = new RePaintSettings(3, 2),
        });

        torch.Tensor keep = reference.Mask.eq(0);
        Assert.Equal(Bits.Of(reference.Known.masked_select(keep)), Bits.Of(result.masked_select(keep)));
        Assert.Equal(RePaint.DenoisingSteps(12, 0, new RePaintSettings(3, 2)), denoiser.Calls.Count);
    }

    private sealed class ZeroNoise : INoiseSampler
    {
        public torch.Tensor Sample(long[] shape, torch.ScalarType dtype, torch.Device device, torch.Generator? generator,
            Conditioning? conditioning) => torch.zeros(shape, dtype: dtype, device: device);
    }
}
