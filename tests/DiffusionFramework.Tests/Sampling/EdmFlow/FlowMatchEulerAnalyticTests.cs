using DiffusionFramework.Core.Sampling;
using DiffusionFramework.Core.Schedules;
using DiffusionFramework.Tests.Devices;
using TorchSharp;

namespace DiffusionFramework.Tests.Sampling.EdmFlow;

/// <summary>
/// Flow-matching Euler against closed forms of the path x_σ = (1 - σ) x0 + σ ε (Lipman et al. 2023, arXiv
/// 2210.02747): for a single data point the velocity ε - x* is constant along the path, so Euler transports exactly;
/// for Gaussian data the probability-flow ODE has the solution x(σ) = x_1 √((1 - σ)² s² + σ²).
/// </summary>
public class FlowMatchEulerAnalyticTests
{
    public static TheoryData<string, double?> Configs() => new()
    {
        { """{"shift": 1.0}""", null },
        { """{"shift": 3.0, "shift_terminal": 0.05}""", null },
        { """{"use_dynamic_shifting": true}""", 0.9 },
        { """{"use_dynamic_shifting": true, "time_shift_type": "linear", "use_karras_sigmas": true}""", 2.5 },
        { """{"shift": 2.0, "use_exponential_sigmas": true}""", null },
    };

    /// <summary>From any begin index the sample after step i is the run's add_noise(x*, ε, i + 1) and the last is x*.</summary>
    [Theory]
    [MemberData(nameof(Configs))]
    public void ConstantVelocityIsTransportedExactly(string json, double? mu)
    {
        foreach (int begin in new[] { 0, 3 })
        {
            using var scope = torch.NewDisposeScope();
            using ISamplerRun run = new FlowMatchEulerSampler().CreateRun(SchedulerConfig.FromJson(json), 10,
                new SamplerRunOptions { Mu = mu });
            torch.Tensor target = torch.linspace(-0.9, 0.9, 24, dtype: torch.ScalarType.Float64).reshape(2, 3, 4);
            torch.Tensor eps = torch.randn([2, 3, 4], dtype: torch.ScalarType.Float64, generator: new torch.Generator(5));
            double worst = 0;
            torch.Tensor result = DiffusionSampling.Sample(run, (x, _) => eps - target, run.AddNoise(target, eps, begin),
                new SamplingOptions
                {
                    BeginIndex = begin,
                    Progress = p => worst = Math.Max(worst,
                        (p.Sample - run.AddNoise(target, eps, p.StepIndex + 1)).abs().max().item<double>()),
                });
            Assert.True(worst < 1e-6, $"{json}, begin {begin}: off the path by {worst:E3}");
            Assert.True((result - target).abs().max().item<double>() < 1e-6);
        }
    }

    /// <summary>Gaussian data N(0, s²): v(x, σ) = x (σ - (1 - σ) s²) / ((1 - σ)² s² + σ²); x(0) = s x_1. The
    /// error halves when the steps double.</summary>
    [Theory]
    [InlineData(1.0, 0.5)]
    [InlineData(3.0, 0.3)]
    public void GaussianDataConvergesAtFirstOrder(double shift, double dataStd)
    {
        double[] errors = [.. new[] { 50, 100, 200 }.Select(n => GaussianError(shift, dataStd, n))];
        Assert.True(errors[2] < 5e-2, $"error with 200 steps {errors[2]:E3}");
        for (int i = 1; i < errors.Length; i++)
        {
            double ratio = errors[i - 1] / errors[i];
            Assert.True(ratio is > 1.6 and < 2.4, $"errors {string.Join(", ", errors.Select(e => e.ToString("E3")))}");
        }
    }

    /// <summary>Stochastic sampling re-noises x̂0 = x - σ v to the next level with fresh float32 noise, one draw per
    /// step; with the exact velocity (x - x*)/σ of point data x̂0 = x*, so the run still ends at x*.</summary>
    [Fact]
    public void StochasticSamplingDrawsOncePerStepAndEndsAtTheData()
    {
        using var scope = torch.NewDisposeScope();
        using var run = (ISigmaSpaceRun)new FlowMatchEulerSampler().CreateRun(
            new SchedulerConfig { Shift = 3, StochasticSampling = true }, 8);
        torch.Tensor target = torch.linspace(-0.9, 0.9, 24, dtype: torch.ScalarType.Float64).reshape(2, 3, 4);
        torch.Tensor eps = torch.randn([2, 3, 4], dtype: torch.ScalarType.Float64, generator: new torch.Generator(5));
        var draws = new List<torch.ScalarType>();
        int call = 0;
        torch.Tensor result = DiffusionSampling.Sample(run, (x, _) => (x - target) / run.Sigmas[call++], eps, new SamplingOptions
        {
            NoiseSampler = new RecordingNoise(draws),
            Generator = new torch.Generator(2),
        });
        Assert.Equal(Enumerable.Repeat(torch.ScalarType.Float32, 8), draws);
        Assert.True((result - target).abs().max().item<double>() < 1e-6);
    }

    [Fact]
    public void GridTimestepsAreSigmaTimesTAndTerminalAndInversionHold()
    {
        using var plain = (ISigmaSpaceRun)new FlowMatchEulerSampler().CreateRun(new SchedulerConfig { Shift = 2 }, 7);
        Assert.Equal(plain.Sigmas.Take(7).Select(s => (double)(s * 1000f)), plain.Timesteps);
        Assert.Equal(1f, plain.Sigmas[0]);
        Assert.Equal(0f, plain.Sigmas[^1]);
        Assert.Equal(1.0, plain.InitNoiseSigma);

        using var terminal = (ISigmaSpaceRun)new FlowMatchEulerSampler().CreateRun(
            new SchedulerConfig { Shift = 2, ShiftTerminal = 0.2 }, 7);
        Assert.Equal(0.2, terminal.Sigmas[^2], 1e-6);

        using var inverted = (ISigmaSpaceRun)new FlowMatchEulerSampler().CreateRun(
            new SchedulerConfig { Shift = 2, InvertSigmas = true }, 7);
        Assert.Equal(plain.Sigmas.Take(7).Select(s => 1f - s), inverted.Sigmas.Take(7));
        Assert.Equal(1f, inverted.Sigmas[^1]);
    }

    /// <summary>With dynamic shifting the linear shift with μ equals the exponential one with ln μ.</summary>
    [Fact]
    public void LinearTimeShiftWithMuEqualsExponentialWithLogMu()
    {
        var linear = SchedulerConfig.FromJson("""{"use_dynamic_shifting": true, "time_shift_type": "linear"}""");
        var exponential = SchedulerConfig.FromJson("""{"use_dynamic_shifting": true}""");
        using var a = (ISigmaSpaceRun)new FlowMatchEulerSampler().CreateRun(linear, 9, new SamplerRunOptions { Mu = 2.5 });
        using var b = (ISigmaSpaceRun)new FlowMatchEulerSampler().CreateRun(exponential, 9,
            new SamplerRunOptions { Mu = Math.Log(2.5) });
        for (int i = 0; i < 10; i++)
        {
            Assert.Equal(a.Sigmas[i], b.Sigmas[i], 1e-6);
        }
    }

    [Fact]
    public void ResolutionShiftIsLinearBetweenBaseAndMax()
    {
        var config = new SchedulerConfig();
        Assert.Equal(0.5, FlowMatchEulerSampler.ResolutionShift(256, config), 1e-12);
        Assert.Equal(1.15, FlowMatchEulerSampler.ResolutionShift(4096, config), 1e-12);
        var custom = new SchedulerConfig { BaseShift = 1, MaxShift = 3, BaseImageSeqLen = 100, MaxImageSeqLen = 300 };
        Assert.Equal(2.0, FlowMatchEulerSampler.ResolutionShift(200, custom), 1e-12);
    }

    /// <summary>Img2img start, the model input and every step stay on the configured device (meta here).</summary>
    [Fact]
    public void RunsOnTheSamplesDevice()
    {
        using var scope = torch.NewDisposeScope();
        using ISamplerRun run = new FlowMatchEulerSampler().CreateRun(
            new SchedulerConfig { Shift = 3, StochasticSampling = true }, 6);
        torch.Tensor x0 = torch.zeros([4, 2], device: Meta.Device);
        torch.Tensor start = run.AddNoise(x0, torch.randn([4, 2], device: Meta.Device), 2);
        Meta.AssertOn(start, "the img2img start");
        torch.Tensor result = DiffusionSampling.Sample(run, (x, t) =>
        {
            Meta.AssertOn(t, "the timestep");
            return x * 0.5;
        }, start, new SamplingOptions { BeginIndex = 2 });
        Meta.AssertOn(result, "the result");
    }

    private static double GaussianError(double shift, double dataStd, int steps)
    {
        using var scope = torch.NewDisposeScope();
        using var run = (ISigmaSpaceRun)new FlowMatchEulerSampler().CreateRun(new SchedulerConfig { Shift = shift }, steps);
        torch.Tensor x1 = torch.randn([64], dtype: torch.ScalarType.Float64, generator: new torch.Generator(3));
        double s2 = dataStd * dataStd;
        int call = 0;
        torch.Tensor x0 = DiffusionSampling.Sample(run, (x, _) =>
        {
            double sigma = run.Sigmas[call++];
            double variance = (1 - sigma) * (1 - sigma) * s2 + sigma * sigma;
            return x * ((sigma - (1 - sigma) * s2) / variance);
        }, x1);
        torch.Tensor exact = x1 * dataStd;
        return (x0 - exact).abs().max().item<double>() / exact.abs().max().item<double>();
    }

    /// <summary>Gaussian noise that records the dtype of every draw.</summary>
    private sealed class RecordingNoise(List<torch.ScalarType> draws) : Abstractions.INoiseSampler
    {
        public torch.Tensor Sample(long[] shape, torch.ScalarType dtype, torch.Device device, torch.Generator? generator,
            Abstractions.Conditioning? conditioning)
        {
            draws.Add(dtype);
            return torch.randn(shape, dtype: dtype, device: device, generator: generator);
        }
    }
}
