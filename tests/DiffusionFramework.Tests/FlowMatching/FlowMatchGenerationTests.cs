using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Pipelines;
using DiffusionFramework.Core.Sampling;
using DiffusionFramework.Core.Schedules;
using DiffusionFramework.Tests.Editing;
using TorchSharp;

namespace DiffusionFramework.Tests.FlowMatching;

/// <summary>
/// <see cref="DiffusionModel.Generate"/> with a flow_prediction model. For data that is a single point x*, the exact
/// velocity on the path x_σ = (1 - σ) x* + σ ε is v(x, σ) = ε - x* = (x - x*)/σ, whatever ε was: the model recovers σ
/// from the timestep as t / T, so the runs below only land on x* when the pipeline hands the network t = σ·T and
/// starts on the flow path (plain, img2img and inpainting alike). Guidance mixes two such velocities linearly.
/// </summary>
public class FlowMatchGenerationTests
{
    private static readonly long[] Shape = [3, 4];
    private static readonly SchedulerConfig Shifted = new() { Shift = 3.0 };

    private static torch.Tensor Point(double offset = 0) =>
        torch.linspace(-0.8, 0.9, 12).reshape(3, 4) + offset;

    /// <summary>v = (x - x*)/σ with σ = t/1000, x* chosen per call.</summary>
    private static FunctionDenoiser ExactVelocity(Func<Conditioning, torch.Tensor> target) =>
        new(PredictionType.Flow, (x, t, c) => (x - target(c)) / (t / 1000).reshape(-1, 1, 1));

    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    public void AnExactVelocityModelIntegratesToTheDataPoint(int steps)
    {
        using var scope = torch.NewDisposeScope();
        var timesteps = new List<float>();
        FunctionDenoiser denoiser = ExactVelocity(_ => Point());
        using DiffusionModel model = FunctionModality.Model(denoiser, Shape, Shifted);
        Assert.Equal("flow_prediction", model.Scheduler.PredictionType);

        torch.Tensor samples = model.Generate(new GenerationRequest
        {
            Count = 3, Sampler = "flow_euler", Steps = steps, Seed = 4,
            Guidance = (denoise, x, t, _) =>
            {
                timesteps.Add(t[0].item<float>());
                return denoise(x, t);
            },
        });

        Assert.Equal([3L, 3, 4], samples.shape);
        Assert.True(Bits.MaxDiff(samples, Point().expand(3, 3, 4)) < 1e-5, $"off by {Bits.MaxDiff(samples, Point().expand(3, 3, 4)):E3}");
        // The first call is at σ = 1 (t = T), then the shifted grid σ' = 3σ / (1 + 2σ) of σ = linspace(1, σ_min, n),
        // where σ_min is already the shifted smallest training level 3(1/T) / (1 + 2/T), as in diffusers.
        Assert.Equal(steps, timesteps.Count);
        Assert.Equal(1000f, timesteps[0]);
        if (steps > 1)
        {
            double sigma = 1 - (1 - 0.003 / 1.002) / (steps - 1);
            Assert.Equal(1000 * 3 * sigma / (1 + 2 * sigma), timesteps[1], 3e-3);
        }
    }

    /// <summary>Img2img starts at σ_b of the begin index b = n - ⌊n·strength⌋ with x = (1 - σ_b) x_init + σ_b ε (the
    /// seed's noise, replayed here), as diffusers' flow img2img pipelines do, then lands on x*.</summary>
    [Fact]
    public void Img2ImgStartsOnTheFlowPathAtTheStrengthsLevel()
    {
        using var scope = torch.NewDisposeScope();
        torch.Tensor? firstInput = null;
        float firstTimestep = float.NaN;
        using DiffusionModel model = FunctionModality.Model(ExactVelocity(_ => Point()), Shape);
        torch.Tensor init = Point(0.5);

        torch.Tensor samples = model.Generate(new GenerationRequest
        {
            Count = 2, Sampler = "flow_euler", Steps = 10, Seed = 9, InitImage = init, Strength = 0.6,
            Guidance = (denoise, x, t, _) =>
            {
                if (firstInput is null)
                {
                    firstInput = x.clone().DetachFromDisposeScope();
                    firstTimestep = t[0].item<float>();
                }

                return denoise(x, t);
            },
        });

        double sigma = 1 - 4 * 0.999 / 9; // b = 10 - 6 = 4 on the unshifted grid linspace(1, 0.001, 10)
        Assert.Equal(1000 * sigma, firstTimestep, 2e-3);
        torch.Tensor eps = torch.randn([2, 3, 4], generator: new torch.Generator(9, torch.CPU));
        torch.Tensor expected = init * (1 - sigma) + eps * sigma;
        using torch.Tensor start = firstInput!;
        Assert.True(Bits.MaxDiff(start, expected) < 1e-5, $"start off by {Bits.MaxDiff(start, expected):E3}");
        Assert.True(Bits.MaxDiff(samples, Point().expand(2, 3, 4)) < 1e-5);
    }

    /// <summary>Known-region replacement noises the known data onto the flow path each step; the kept region ends as the
    /// known data bit for bit, the regenerated one at x*.</summary>
    [Fact]
    public void InpaintingKeepsTheKnownRegionAndRegeneratesTheRest()
    {
        using var scope = torch.NewDisposeScope();
        using DiffusionModel model = FunctionModality.Model(ExactVelocity(_ => Point()), Shape, Shifted);
        torch.Tensor mask = torch.tensor(new float[] { 1, 1, 0, 0 }).reshape(1, 1, 4).expand(1, 3, 4).contiguous();
        torch.Tensor known = Point(-0.3);

        torch.Tensor samples = model.Generate(new GenerationRequest
        {
            Count = 2, Sampler = "flow_euler", Steps = 8, Seed = 5, Mask = mask, KnownImage = known,
        });

        torch.Tensor keep = mask.eq(0).expand(2, 3, 4);
        Assert.Equal(Bits.Of(known.expand(2, 3, 4).masked_select(keep)), Bits.Of(samples.masked_select(keep)));
        torch.Tensor regenerate = keep.logical_not();
        Assert.True(Bits.MaxDiff(samples.masked_select(regenerate), Point().expand(2, 3, 4).masked_select(regenerate)) < 1e-5);
    }

    /// <summary>Classifier-free guidance combines velocities as it combines ε: v_u + w (v_c - v_u) with targets a
    /// (conditional) and b (dropped) is the exact velocity towards b + w (a - b).</summary>
    [Fact]
    public void GuidanceExtrapolatesBetweenTheConditionalAndUnconditionalVelocities()
    {
        using var scope = torch.NewDisposeScope();
        torch.Tensor a = Point(), b = Point(-0.5);
        using DiffusionModel model = FunctionModality.Model(ExactVelocity(c => c.DropCondition ? b : a), Shape);

        torch.Tensor samples = model.Generate(new GenerationRequest
        {
            Count = 2, Sampler = "flow_euler", Steps = 6, Seed = 1, GuidanceScale = 3.0,
            Conditioning = new Conditioning { ClassLabels = torch.zeros(2, torch.int64) },
        });

        torch.Tensor expected = (b + (a - b) * 3.0).expand(2, 3, 4);
        Assert.True(Bits.MaxDiff(samples, expected) < 1e-5, $"off by {Bits.MaxDiff(samples, expected):E3}");
    }

    [Fact]
    public void TheRegistryListsTheSamplersThatStepEachPredictionType()
    {
        Assert.Equal(["flow_euler"], SamplerRegistry.BuiltIn.For(PredictionType.Flow).Select(s => s.Name));
        string[] epsilon = [.. SamplerRegistry.BuiltIn.For(PredictionType.Epsilon).Select(s => s.Name)];
        Assert.Contains("ddim", epsilon);
        Assert.Contains("dpmsolver++", epsilon);
        Assert.DoesNotContain("flow_euler", epsilon);
    }

    /// <summary>A request that names no sampler gets flow_euler for a flow model and ddim for the others: the same
    /// samples, bit for bit, as naming them.</summary>
    [Theory]
    [InlineData(PredictionType.Flow, "flow_euler")]
    [InlineData(PredictionType.Epsilon, "ddim")]
    [InlineData(PredictionType.VPrediction, "ddim")]
    public void WithoutASamplerTheModelsDefaultRuns(PredictionType prediction, string expected)
    {
        using var scope = torch.NewDisposeScope();
        Assert.Equal(expected, SamplerRegistry.BuiltIn.DefaultFor(prediction).Name);
        var denoiser = new FunctionDenoiser(prediction, (x, t, _) => x * 0.5 + t.reshape(-1, 1, 1) / 1000);
        using DiffusionModel model = FunctionModality.Model(denoiser, Shape, prediction == PredictionType.Flow ? Shifted : null);

        torch.Tensor implicitChoice = model.Generate(new GenerationRequest { Count = 2, Steps = 6, Seed = 3 });
        torch.Tensor named = model.Generate(new GenerationRequest { Count = 2, Sampler = expected, Steps = 6, Seed = 3 });

        Assert.True(Bits.MaxDiff(implicitChoice, named) == 0, $"off by {Bits.MaxDiff(implicitChoice, named):E3}");
    }

    /// <summary>Any other sampler refuses a flow model before the model is called, naming itself and the samplers that
    /// can; flow_euler refuses ε/v/x0 models likewise.</summary>
    [Theory]
    [InlineData("ddim", PredictionType.Flow, "flow_prediction", "flow_euler")]
    [InlineData("dpmsolver++", PredictionType.Flow, "flow_prediction", "flow_euler")]
    [InlineData("EulerDiscreteScheduler", PredictionType.Flow, "flow_prediction", "flow_euler")]
    [InlineData("flow_euler", PredictionType.Epsilon, "epsilon", "ddim")]
    [InlineData("flow_euler", PredictionType.VPrediction, "v_prediction", "dpmsolver++")]
    [InlineData("flow_euler", PredictionType.Sample, "sample", "euler")]
    public void SamplersRefuseModelsTheyCannotStepWithBeforeAnyWork(string sampler, PredictionType prediction,
        string type, string listed)
    {
        using var scope = torch.NewDisposeScope();
        var denoiser = new FunctionDenoiser(prediction, (x, _, _) => x);
        using DiffusionModel model = FunctionModality.Model(denoiser, Shape);

        var error = Assert.Throws<ArgumentException>(() =>
            model.Generate(new GenerationRequest { Count = 2, Sampler = sampler, Steps = 5 }));

        string name = SamplerRegistry.BuiltIn.Get(sampler).Name;
        Assert.StartsWith($"sampler '{name}' does not support {type} models; samplers that support {type}: ", error.Message);
        string[] able = error.Message.Split(" (Parameter")[0].Split(": ")[^1].TrimEnd('.').Split(", ");
        Assert.Contains(listed, able);
        Assert.DoesNotContain(name, able);
        Assert.Empty(denoiser.Calls);
    }

    /// <summary>The samplers' own runs check the config's prediction_type the same way (diffusers' schedulers raise).</summary>
    [Theory]
    [InlineData("ddpm", "flow_prediction")]
    [InlineData("pndm", "flow_prediction")]
    [InlineData("unipc", "flow_prediction")]
    [InlineData("edm_euler", "flow_prediction")]
    [InlineData("flow_euler", "epsilon")]
    [InlineData("flow_euler", "v_prediction")]
    public void CreateRunRefusesAnUnsupportedPredictionType(string sampler, string type)
    {
        var error = Assert.Throws<ArgumentException>(() =>
            SamplerRegistry.BuiltIn.CreateRun(sampler, new SchedulerConfig { PredictionType = type }, 10));
        Assert.StartsWith($"sampler {sampler} does not support prediction_type \"{type}\"; it supports ", error.Message);
    }

    /// <summary>flow_euler with no prediction_type (diffusers' FlowMatchEulerDiscreteScheduler has no such key) or with
    /// flow_prediction steps a flow model; it supports nothing else.</summary>
    [Fact]
    public void FlowEulerDefaultsToFlowPrediction()
    {
        Assert.Equal([PredictionType.Flow], new FlowMatchEulerSampler().SupportedPredictionTypes);
        using ISamplerRun plain = new FlowMatchEulerSampler().CreateRun(new SchedulerConfig(), 4);
        using ISamplerRun flow = new FlowMatchEulerSampler().CreateRun(new SchedulerConfig { PredictionType = "flow_prediction" }, 4);
        Assert.Equal([1000.0, 667.0, 334.0, 1.0], plain.Timesteps.Select(t => Math.Round(t, 2)));
        Assert.Equal(plain.Timesteps, flow.Timesteps);
    }
}
