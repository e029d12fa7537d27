using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Editing;
using DiffusionFramework.Core.Pipelines;
using DiffusionFramework.Core.Sampling;
using DiffusionFramework.Core.Schedules;
using DiffusionFramework.Tests.Reference;
using TorchSharp;

namespace DiffusionFramework.Tests.Editing;

/// <summary>Known-region replacement: exact kept region for every sampler, the noised known data at every step,
/// blending and shape checks.</summary>
public class InpaintingTests
{
    private static readonly long[] Shape = [2, 1, 4, 4];

    /// <summary>1 = regenerate (columns 0-1), 0 = keep (columns 2-3), one mask for the whole batch.</summary>
    private static torch.Tensor HalfMask() =>
        torch.tensor(new float[] { 1, 1, 0, 0 }).reshape(1, 1, 1, 4).expand(1, 1, 4, 4).contiguous();

    private static torch.Tensor KnownImage() =>
        torch.randn(Shape, generator: new torch.Generator(17)).clamp(-1, 1);

    [Fact]
    public void EverySamplerKeepsTheUnmaskedRegionBitForBit()
    {
        foreach (ISampler sampler in SamplerRegistry.BuiltIn.Samplers)
        {
            using var scope = torch.NewDisposeScope();
            torch.Tensor known = KnownImage();
            torch.Tensor mask = HalfMask();
            var inpainting = Inpainting.Create(mask, known, Shape);
            using ISamplerRun run = sampler.CreateRun(new SchedulerConfig(), 12);
            var options = new SamplingOptions { Generator = new torch.Generator(4) };
            torch.Tensor xT = torch.randn(Shape, generator: new torch.Generator(9)) * run.InitNoiseSigma;

            torch.Tensor result = DiffusionSampling.Sample(run, ReferenceCases.SyntheticModel, xT,
                options with { AfterStep = inpainting.ReplaceKnown(run, options.CreateStepNoise()) });

            torch.Tensor keep = mask.expand(Shape).eq(0);
            Assert.Equal(Bits.Of(known.masked_select(keep)), Bits.Of(result.masked_select(keep)));
            torch.Tensor regenerate = keep.logical_not();
            Assert.True(Bits.MaxDiff(result.masked_select(regenerate), known.masked_select(regenerate)) > 1e-3,
                $"{sampler.Name} did not regenerate the masked region");
        }
    }

    /// <summary>With zero noise for the known region, after step i the kept region is √ā x0 at step i+1's timestep
    /// (RePaint eq. 8, x_{t-1}^known ~ N(√ā_{t-1} x0, (1 - ā_{t-1}) I)).</summary>
    [Fact]
    public void KeptRegionIsTheKnownDataAtTheNextStepsNoiseLevel()
    {
        using var scope = torch.NewDisposeScope();
        var config = new SchedulerConfig { ClipSample = false };
        IReadOnlyList<float> alphaBar = NoiseSchedule.FromConfig(config).AlphasCumprod;
        torch.Tensor known = KnownImage();
        torch.Tensor mask = HalfMask();
        torch.Tensor keep = mask.expand(Shape).eq(0);
        var inpainting = Inpainting.Create(mask, known, Shape);
        using ISamplerRun run = new DdimSampler().CreateRun(config, 6);
        var noise = new StepNoise(new ZeroNoise());
        var levels = new List<double>();

        DiffusionSampling.Sample(run, ReferenceCases.SyntheticModel, torch.randn(Shape), new SamplingOptions
        {
            AfterStep = inpainting.ReplaceKnown(run, noise),
            Progress = p =>
            {
                int next = p.StepIndex + 1;
                float scale = next < run.Timesteps.Count ? MathF.Sqrt(alphaBar[(int)run.Timesteps[next]]) : 1f;
                levels.Add(Bits.MaxDiff(p.Sample.masked_select(keep), known.masked_select(keep) * scale));
            },
        });

        Assert.Equal(6, levels.Count);
        Assert.All(levels, diff => Assert.True(diff < 1e-7, $"kept region off by {diff:E2}"));
    }

    [Fact]
    public void FractionalMaskValuesBlendAndZeroKeepsExactly()
    {
        using var scope = torch.NewDisposeScope();
        torch.Tensor mask = torch.tensor(new float[] { 0, 0.25f, 1 });
        var inpainting = Inpainting.Create(mask, torch.tensor(new float[] { -0f, 4, 4 }), [1, 3]);

        torch.Tensor blended = inpainting.Blend(torch.tensor(new float[] { 7, 8, 8 }).reshape(1, 3), inpainting.Known);

        Assert.Equal(new[] { -0f, 0.25f * 8 + 0.75f * 4, 8f }, blended.data<float>().ToArray());
        Assert.True(float.IsNegative(blended.data<float>()[0]), "the kept -0 must stay -0");
    }

    [Fact]
    public void MaskThatDoesNotBroadcastNamesBothShapes()
    {
        using var scope = torch.NewDisposeScope();
        var error = Assert.Throws<ArgumentException>(() =>
            Inpainting.Create(torch.ones(1, 1, 4, 3), torch.zeros(Shape), Shape));
        Assert.Contains("[1, 1, 4, 3]", error.Message);
        Assert.Contains("[2, 1, 4, 4]", error.Message);
        Assert.Contains("mask", error.Message);
    }

    [Theory]
    [InlineData(-0.5f)]
    [InlineData(1.5f)]
    [InlineData(float.NaN)]
    public void MaskValuesOutsideTheUnitIntervalAreRefused(float value)
    {
        using var scope = torch.NewDisposeScope();
        var error = Assert.Throws<ArgumentException>(() =>
            Inpainting.Create(torch.tensor(new[] { 0f, value }), torch.zeros(2), [2]));
        Assert.Contains("[0, 1]", error.Message);
    }

    /// <summary>Through the library API: the kept region of DiffusionModel's output is the known image, bit for bit.</summary>
    [Fact]
    public void GenerateInpaintsWithTheRequestsMask()
    {
        using var scope = torch.NewDisposeScope();
        var denoiser = new FunctionDenoiser(PredictionType.Epsilon, (x, t, _) => ReferenceCases.SyntheticModel(x, t));
        using DiffusionModel model = FunctionModality.Model(denoiser, [1, 4, 4]);
        torch.Tensor known = KnownImage();

        torch.Tensor result = model.Generate(new GenerationRequest
        {
            Count = 2, Steps = 10, Sampler = "ddpm", Seed = 3, Mask = HalfMask(), KnownImage = known,
        });

        torch.Tensor keep = HalfMask().expand(Shape).eq(0);
        Assert.Equal(Bits.Of(known.masked_select(keep)), Bits.Of(result.masked_select(keep)));
        Assert.Equal(10, denoiser.Calls.Count);
    }

    private sealed class ZeroNoise : INoiseSampler
    {
        public torch.Tensor Sample(long[] shape, torch.ScalarType dtype, torch.Device device, torch.Generator? generator,
            Conditioning? conditioning) => torch.zeros(shape, dtype: dtype, device: device);
    }
}
