using DiffusionFramework.Core.Sampling;
using DiffusionFramework.Core.Schedules;
using TorchSharp;

namespace DiffusionFramework.Tests.Sampling;

/// <summary>
/// A v- or x0-predicting model that is the exact conversion of an ε-predicting one must give the same trajectory:
/// with the model input x_t = α_t x0 + σ_t ε (α_t = 1/√(σ²+1), σ_t = σ α_t), x0 = (x_t - σ_t ε)/α_t and
/// v = α_t ε - σ_t x0 (Salimans and Ho 2022, arXiv 2202.00512).
/// </summary>
/// <remarks>The conversions round differently in float32, so trajectories agree to about 1e-6; allowed 1e-5.</remarks>
public class EulerAndDpmSolverPredictionTypeTests
{
    private const double Tolerance = 1e-5;

    public static TheoryData<string, string, string> Cases() => new()
    {
        { "euler", "dpmsolver++", "v_prediction" },
        { "euler", "dpmsolver++", "sample" },
        { "dpmsolver++", "dpmsolver++", "v_prediction" },
        { "dpmsolver++", "dpmsolver++", "sample" },
        { "dpmsolver++", "dpmsolver", "v_prediction" },
        { "dpmsolver++", "dpmsolver", "sample" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ConvertedModelGivesTheSameTrajectory(string sampler, string algorithm, string predictionType)
    {
        var config = new SchedulerConfig
        {
            BetaSchedule = "scaled_linear", BetaStart = 0.00085, BetaEnd = 0.012, TimestepSpacing = "leading",
            StepsOffset = 1, AlgorithmType = algorithm, SolverOrder = 3, FinalSigmasType = "sigma_min",
        };
        using var scope = torch.NewDisposeScope();
        torch.Tensor reference = Run(sampler, config with { PredictionType = "epsilon" }, "epsilon");
        torch.Tensor converted = Run(sampler, config with { PredictionType = predictionType }, predictionType);

        double error = (converted - reference).abs().max().item<double>() / reference.abs().max().item<double>();
        Assert.True(error <= Tolerance, $"relative difference {error:E3}");
    }

    private static torch.Tensor Run(string sampler, SchedulerConfig config, string predictionType)
    {
        using var run = (ISigmaSpaceRun)SamplerRegistry.BuiltIn.CreateRun(sampler, config, 12);
        torch.Tensor xT = torch.randn([2, 3, 8], dtype: torch.float64, generator: new torch.Generator(21)) *
                          run.InitNoiseSigma;
        int step = 0;
        return DiffusionSampling.Sample(run, (xIn, _) =>
        {
            double sigma = run.Sigmas[step++];
            double alphaT = 1 / Math.Sqrt(sigma * sigma + 1), sigmaT = sigma * alphaT;
            torch.Tensor epsilon = xIn * 0.9 + xIn.tanh() * 0.2;
            torch.Tensor x0 = (xIn - epsilon * sigmaT) / alphaT;
            return predictionType switch
            {
                "v_prediction" => epsilon * alphaT - x0 * sigmaT,
                "sample" => x0,
                _ => epsilon,
            };
        }, xT);
    }
}
