using DiffusionFramework.Core.Sampling;
using DiffusionFramework.Core.Schedules;
using DiffusionFramework.Tests.Reference;
using TorchSharp;

namespace DiffusionFramework.Tests.Sampling.EdmFlow;

/// <summary>
/// EDM Euler against closed forms (Karras et al. 2022, arXiv 2206.00364): the model is the ideal EDM network
/// F = (D - c_skip x) / c_out of table 1, written out here independently of the engine, for data whose ideal denoiser
/// D(x; σ) is known.
/// </summary>
public class EdmEulerAnalyticTests
{
    private const double SigmaData = 0.5;

    /// <summary>
    /// Gaussian data x0 ~ N(0, s²): D(x; σ) = s²/(s² + σ²) x, and the probability-flow ODE dx/dσ = (x - D)/σ has the
    /// solution x(σ) ∝ √(s² + σ²), so x(0) = x_T s / √(s² + σ_max²). Euler converges to it at first order: the error
    /// halves when the steps double.
    /// </summary>
    [Theory]
    [InlineData("karras", "epsilon", 0.5)]
    [InlineData("karras", "v_prediction", 0.8)]
    [InlineData("exponential", "epsilon", 0.3)]
    public void GaussianDataConvergesAtFirstOrder(string schedule, string prediction, double dataStd)
    {
        var config = new SchedulerConfig { SigmaSchedule = schedule, PredictionType = prediction };
        double[] errors = [.. new[] { 50, 100, 200 }.Select(n => GaussianError(config, n, dataStd))];
        Assert.True(errors[2] < 2e-2, $"error with 200 steps {errors[2]:E3}");
        for (int i = 1; i < errors.Length; i++)
        {
            double ratio = errors[i - 1] / errors[i];
            Assert.True(ratio is > 1.6 and < 2.4, $"errors {string.Join(", ", errors.Select(e => e.ToString("E3")))}");
        }
    }

    /// <summary>
    /// Data that is a single point x*: D = x* exactly, so each Euler step keeps x_i = x* + σ_i ε (the run's add_noise),
    /// from any begin index (img2img), and ends at x*.
    /// </summary>
    [Theory]
    [InlineData(0, "karras", "epsilon")]
    [InlineData(4, "exponential", "v_prediction")]
    public void PointDataStaysOnTheNoisePathFromAnyBeginIndex(int begin, string schedule, string prediction)
    {
        using var scope = torch.NewDisposeScope();
        var config = new SchedulerConfig { SigmaSchedule = schedule, PredictionType = prediction, SigmaData = 0.7 };
        using var run = (ISigmaSpaceRun)new EdmEulerSampler().CreateRun(config, 12);
        torch.Tensor target = torch.linspace(-0.9, 0.9, 24, dtype: torch.ScalarType.Float64).reshape(2, 3, 4);
        torch.Tensor eps = torch.randn([2, 3, 4], dtype: torch.ScalarType.Float64, generator: new torch.Generator(5));
        int call = begin;
        var offPath = new List<string>();
        torch.Tensor result = DiffusionSampling.Sample(run,
            (xIn, _) => IdealNetwork(xIn, run.Sigmas[call++], 0.7, prediction, x => target.expand_as(x)),
            run.AddNoise(target, eps, begin), new SamplingOptions
            {
                BeginIndex = begin,
                Progress = p =>
                {
                    double diff = (p.Sample - run.AddNoise(target, eps, p.StepIndex + 1)).abs().max().item<double>();
                    if (diff > 1e-5)
                    {
                        offPath.Add($"step {p.StepIndex}: {diff:E2}");
                    }
                },
            });

        Assert.Empty(offPath);
        Assert.True((result - target).abs().max().item<double>() < 1e-6);
    }

    [Fact]
    public void GridFollowsEquationFiveAndCNoise()
    {
        using var run = (ISigmaSpaceRun)new EdmEulerSampler().CreateRun(new SchedulerConfig { Rho = 5, SigmaMax = 50 }, 8);
        double maxInv = Math.Pow(50, 1 / 5.0), minInv = Math.Pow(0.002, 1 / 5.0);
        for (int i = 0; i < 8; i++)
        {
            double expected = Math.Pow(maxInv + i / 7.0 * (minInv - maxInv), 5);
            Assert.Equal(expected, run.Sigmas[i], expected * 1e-6);
            Assert.Equal(0.25 * Math.Log(run.Sigmas[i]), run.Timesteps[i], 1e-6);
        }

        Assert.Equal(0f, run.Sigmas[^1]);
        Assert.Equal(Math.Sqrt(50.0 * 50 + 1), run.InitNoiseSigma, 1e-12);
    }

    [Fact]
    public void ExponentialGridIsEvenInLogSigmaAndSigmaMinCanClose()
    {
        var config = new SchedulerConfig { SigmaSchedule = "exponential", FinalSigmasType = "sigma_min" };
        using var run = (ISigmaSpaceRun)new EdmEulerSampler().CreateRun(config, 6);
        double ratio = Math.Log(0.002 / 80) / 5;
        for (int i = 0; i < 6; i++)
        {
            Assert.Equal(Math.Log(80) + i * ratio, Math.Log(run.Sigmas[i]), 1e-5);
        }

        Assert.Equal(run.Sigmas[^2], run.Sigmas[^1]);
    }

    [Fact]
    public void ModelInputIsScaledByCIn()
    {
        using var scope = torch.NewDisposeScope();
        using var run = (ISigmaSpaceRun)new EdmEulerSampler().CreateRun(new SchedulerConfig { SigmaData = 0.7 }, 5);
        torch.Tensor x = torch.ones(3, dtype: torch.ScalarType.Float64);
        double sigma = run.Sigmas[2];
        Assert.Equal(1 / Math.Sqrt(sigma * sigma + 0.49), run.ScaleModelInput(x, 2)[0].item<double>(), 1e-7);
    }

    /// <summary>Churn draws one noise tensor per step whose σ lies in [S_tmin, S_tmax], none elsewhere.</summary>
    [Fact]
    public void ChurnDrawsNoiseOnlyInsideItsWindow()
    {
        using var scope = torch.NewDisposeScope();
        var options = new SamplerRunOptions { SChurn = 5, STmin = 0.1, STmax = 10 };
        using var run = (ISigmaSpaceRun)new EdmEulerSampler().CreateRun(new SchedulerConfig(), 12, options);
        int inside = run.Sigmas.Take(12).Count(s => s >= 0.1f && s <= 10f);
        var noise = new ReplayNoiseSampler(Enumerable.Repeat(new double[24], inside));
        torch.Tensor xT = torch.randn([2, 3, 4], dtype: torch.ScalarType.Float64, generator: new torch.Generator(1)) * run.InitNoiseSigma;
        DiffusionSampling.Sample(run, ReferenceCases.SyntheticModel, xT, new SamplingOptions { NoiseSampler = noise });
        Assert.InRange(inside, 1, 11);
        Assert.Equal(0, noise.Remaining);
    }

    private static double GaussianError(SchedulerConfig config, int steps, double dataStd)
    {
        using var scope = torch.NewDisposeScope();
        using var run = (ISigmaSpaceRun)new EdmEulerSampler().CreateRun(config, steps);
        torch.Tensor xT = torch.randn([64], dtype: torch.ScalarType.Float64, generator: new torch.Generator(3)) * run.InitNoiseSigma;
        int call = 0;
        double s2 = dataStd * dataStd;
        torch.Tensor x0 = DiffusionSampling.Sample(run, (xIn, _) =>
        {
            double sigma = run.Sigmas[call++];
            return IdealNetwork(xIn, sigma, SigmaData, config.PredictionType!, x => x * (s2 / (s2 + sigma * sigma)));
        }, xT);
        double sigmaMax = run.Sigmas[0];
        torch.Tensor exact = xT * (dataStd / Math.Sqrt(s2 + sigmaMax * sigmaMax));
        return (x0 - exact).abs().max().item<double>() / exact.abs().max().item<double>();
    }

    /// <summary>F = (D(x) - c_skip x) / c_out with x = x_in / c_in (Karras et al. 2022, table 1; c_out negated for
    /// v-prediction, as diffusers does).</summary>
    private static torch.Tensor IdealNetwork(torch.Tensor xIn, double sigma, double sigmaData, string prediction,
        Func<torch.Tensor, torch.Tensor> denoiser)
    {
        double variance = sigma * sigma + sigmaData * sigmaData;
        torch.Tensor x = xIn * Math.Sqrt(variance);
        double skip = sigmaData * sigmaData / variance;
        double output = (prediction == "v_prediction" ? -1 : 1) * sigma * sigmaData / Math.Sqrt(variance);
        return (denoiser(x) - x * skip) / output;
    }
}
