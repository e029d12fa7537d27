using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Sampling;
using TorchSharp;
using Xunit.Abstractions;

namespace DiffusionFramework.Tests.Sampling.KSamplers;

/// <summary>
/// Convergence on the probability-flow ODE of Gaussian data, whose solution is known in closed form
/// (<see cref="GaussianDataModel"/>): on Karras grids (σ_max and σ_min fixed), the error at σ_min must fall like
/// h^p when the step count doubles, with p = 1 for Euler and p = 2 for Heun and KDPM2, and LMS must beat Heun per model
/// call. This tests the second-order halves, the midpoint σ̂ and the multistep weights as algorithms, apart from
/// diffusers' numbers.
/// </summary>
public class KSamplerConvergenceTests(ITestOutputHelper output)
{
    private const double DataStd = 0.5;

    [Theory]
    [InlineData("heun", PredictionType.Epsilon)]
    [InlineData("heun", PredictionType.VPrediction)]
    [InlineData("heun", PredictionType.Sample)]
    [InlineData("kdpm2", PredictionType.Epsilon)]
    [InlineData("kdpm2", PredictionType.VPrediction)]
    public void SecondOrderSamplersConvergeQuadratically(string name, PredictionType prediction)
    {
        double[] errors = [Error(name, prediction, 16), Error(name, prediction, 32), Error(name, prediction, 64)];
        output.WriteLine($"{name} {prediction}: errors {string.Join(", ", errors.Select(e => e.ToString("E3")))}");
        for (int i = 1; i < errors.Length; i++)
        {
            Assert.InRange(errors[i - 1] / errors[i], 3.5, 5.0);
        }

        Assert.True(errors[^1] < 2e-3, $"{name}: error {errors[^1]:E3} at 64 steps");
    }

    [Fact]
    public void EulerConvergesLinearly()
    {
        double[] errors = [Error("euler", PredictionType.Epsilon, 16), Error("euler", PredictionType.Epsilon, 32)];
        Assert.InRange(errors[0] / errors[1], 1.6, 2.4);
    }

    [Theory]
    [InlineData(PredictionType.Epsilon)]
    [InlineData(PredictionType.Sample)]
    public void LmsConvergesFasterThanHeunPerModelCall(PredictionType prediction)
    {
        double[] lms = [Error("lms", prediction, 16), Error("lms", prediction, 32)];
        double heun = Error("heun", prediction, 16); // 31 model calls
        output.WriteLine($"lms {lms[0]:E3} {lms[1]:E3}, heun(16) {heun:E3}");
        Assert.True(lms[0] / lms[1] >= 3.2, $"LMS error ratio {lms[0] / lms[1]:F2}");
        Assert.True(lms[1] < heun, $"LMS with 32 calls {lms[1]:E3}, Heun with 31 calls {heun:E3}");
    }

    /// <summary>max relative error at σ_min (the last σ before 0) of an n-step run.</summary>
    private static double Error(string name, PredictionType prediction, int n)
    {
        using var scope = torch.NewDisposeScope();
        using var run = (ISigmaSpaceRun)SamplerRegistry.BuiltIn.CreateRun(name, KSamplerKit.KarrasConfig("scaled_linear",
            prediction), n);
        var model = new GaussianDataModel(DataStd, prediction, InputSigmas(name, run));
        torch.Tensor xT = torch.linspace(-2, 2, 64, dtype: torch.ScalarType.Float64) * run.InitNoiseSigma;
        List<double[]> samples = KSamplerKit.Trajectory(run, model.Predict, xT);

        // The sample at σ_min = σ_{n-1}: after the corrector of step n-2 (second-order runs) or step n-2.
        int index = run.Order == 2 ? 2 * n - 3 : n - 2;
        double sigmaMin = run.Sigmas[run.Order == 2 ? 2 * n - 3 : n - 1];
        double[] exact = GaussianDataModel.Solution(xT.data<double>().ToArray(), run.Sigmas[0], sigmaMin, DataStd);
        return KSamplerKit.RelativeError(samples[index], exact);
    }

    /// <summary>σ of each model call: the run's σ, except KDPM2's odd calls, at the log-σ midpoint.</summary>
    private static double[] InputSigmas(string name, ISigmaSpaceRun run) =>
        Enumerable.Range(0, run.Timesteps.Count).Select(i => name == "kdpm2" && i % 2 == 1
            ? Math.Sqrt((double)run.Sigmas[i - 1] * run.Sigmas[i])
            : run.Sigmas[i]).ToArray();
}
