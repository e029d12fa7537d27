using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Guidance;
using DiffusionFramework.Core.Noise;
using DiffusionFramework.Core.Sampling;
using DiffusionFramework.Core.Schedules;
using TorchSharp;

namespace DiffusionFramework.Tests.Sampling;

/// <summary>Classifier-free guidance, the denoiser overload of the loop, and the Gaussian noise sampler.</summary>
public class GuidanceTests
{
    /// <summary>Predicts 2x when conditioned and x when the condition is dropped; records its calls.</summary>
    private sealed class FakeDenoiser : IDenoiser
    {
        public List<(bool Dropped, long[] TimestepShape, bool Training)> Calls { get; } = [];

        public PredictionType PredictionType => PredictionType.Epsilon;

        public torch.nn.Module Module { get; } = torch.nn.Linear(1, 1);

        public torch.Tensor Forward(torch.Tensor sample, torch.Tensor timestep, Conditioning conditioning)
        {
            Calls.Add((conditioning.DropCondition, timestep.shape, Module.training));
            return conditioning.DropCondition ? sample.clone() : sample * 2;
        }
    }

    [Fact]
    public void GuidedPredictionIsUnconditionalPlusScaledDifference()
    {
        using var scope = torch.NewDisposeScope();
        var denoiser = new FakeDenoiser();
        torch.Tensor x = torch.randn(2, 5, dtype: torch.ScalarType.Float64);

        torch.Tensor guided = new ClassifierFreeGuidance(3.0).Wrap(denoiser, Labelled(2))(x, torch.zeros(2));

        // ε_u + w (ε_c - ε_u) = x + 3 (2x - x) = 4x.
        Assert.True(guided.allclose(x * 4, 1e-15, 0));
        Assert.Equal([false, true], denoiser.Calls.Select(c => c.Dropped));
    }

    [Fact]
    public void ScaleOneCallsTheModelOnceConditionally()
    {
        using var scope = torch.NewDisposeScope();
        var denoiser = new FakeDenoiser();
        torch.Tensor x = torch.randn(2, 5);

        torch.Tensor output = new ClassifierFreeGuidance(1.0).Wrap(denoiser, Conditioning.None)(x, torch.zeros(2));

        Assert.True(output.allclose(x * 2, 0, 0));
        Assert.Single(denoiser.Calls);
    }

    /// <summary>Lin et al. 2023, sec. 3.4: x = φ · x_cfg · σ(x_cond)/σ(x_cfg) + (1 - φ) x_cfg, σ per sample, unbiased.</summary>
    [Fact]
    public void RescaleMatchesTheFormulaPerSample()
    {
        using var scope = torch.NewDisposeScope();
        double[] cfg = [1, 2, 4, 8, -1, 0, 1, 2], cond = [0, 1, 0, 1, 3, 3, 3, 5];
        torch.Tensor guided = torch.tensor(cfg).reshape(2, 2, 2), conditional = torch.tensor(cond).reshape(2, 2, 2);

        double[] result = ClassifierFreeGuidance.Rescale(guided, conditional, 0.7).data<double>().ToArray();

        for (int b = 0; b < 2; b++)
        {
            double ratio = Std(cond[(b * 4)..(b * 4 + 4)]) / Std(cfg[(b * 4)..(b * 4 + 4)]);
            for (int i = b * 4; i < b * 4 + 4; i++)
            {
                Assert.Equal(0.7 * cfg[i] * ratio + 0.3 * cfg[i], result[i], 12);
            }
        }
    }

    [Fact]
    public void DenoiserOverloadRunsInEvalModeWithBatchTimestepsAndRestoresTraining()
    {
        using var scope = torch.NewDisposeScope();
        var denoiser = new FakeDenoiser();
        denoiser.Module.train();
        using ISamplerRun run = new DdimSampler().CreateRun(new SchedulerConfig(), 4);

        torch.Tensor result = DiffusionSampling.Sample(run, denoiser, Labelled(3), torch.randn(3, 2),
            guidance: new ClassifierFreeGuidance(2.0));

        Assert.Equal(8, denoiser.Calls.Count);
        Assert.All(denoiser.Calls, c => Assert.Equal([3L], c.TimestepShape));
        Assert.All(denoiser.Calls, c => Assert.False(c.Training));
        Assert.True(denoiser.Module.training);
        Assert.Equal([3L, 2], result.shape);
    }

    [Fact]
    public void GaussianNoiseHonoursShapeDtypeAndGenerator()
    {
        using var scope = torch.NewDisposeScope();
        torch.Tensor a = GaussianNoiseSampler.Instance.Sample([4, 3], torch.ScalarType.Float64, torch.CPU, new torch.Generator(5), null);
        torch.Tensor b = GaussianNoiseSampler.Instance.Sample([4, 3], torch.ScalarType.Float64, torch.CPU, new torch.Generator(5), null);
        torch.Tensor expected = torch.randn([4, 3], dtype: torch.ScalarType.Float64, generator: new torch.Generator(5));

        Assert.Equal([4L, 3], a.shape);
        Assert.Equal(torch.ScalarType.Float64, a.dtype);
        Assert.True(a.allclose(b, 0, 0));
        Assert.True(a.allclose(expected, 0, 0));
    }

    /// <summary>Guidance above 1 needs a condition to drop (class labels or a context).</summary>
    [Fact]
    public void GuidanceWithoutAConditionIsRefused()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            new ClassifierFreeGuidance(2.0).Wrap(new FakeDenoiser(), Conditioning.None));
        Assert.Contains("needs a condition to drop", error.Message);
        new ClassifierFreeGuidance(2.0).Wrap(new FakeDenoiser(), new Conditioning { Context = torch.zeros(1) });
        new ClassifierFreeGuidance(1.0).Wrap(new FakeDenoiser(), Conditioning.None);
    }

    private static Conditioning Labelled(int batch) =>
        new() { ClassLabels = torch.zeros(batch, dtype: torch.ScalarType.Int64) };

    private static double Std(double[] v)
    {
        double mean = v.Average();
        return Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1));
    }
}
