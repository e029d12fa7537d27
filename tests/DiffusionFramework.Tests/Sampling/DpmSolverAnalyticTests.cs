using DiffusionFramework.Core.Sampling;
using DiffusionFramework.Core.Schedules;
using TorchSharp;

namespace DiffusionFramework.Tests.Sampling;

/// <summary>
/// DPM-Solver(++) against closed-form solutions of the diffusion ODE for models whose prediction depends on λ only.
/// With σ the σ-space noise level, α_t = 1/√(σ²+1), σ_t = σ·α_t and λ = -ln σ:
/// data prediction D(λ): x_t = (σ_t/σ_s) x_s + σ_t ∫ e^λ D dλ; noise prediction ε(λ): x_t = (α_t/α_s) x_s - α_t ∫ e^{-λ} ε dλ
/// (Lu et al. 2022, arXiv 2211.01095 eq. 9 and arXiv 2206.00927 eq. 3.4).
/// </summary>
/// <remarks>
/// The solver works in float32 (sample cast, scalar coefficients), so results agree to about 1e-6 of the sample's
/// scale; the tests allow 2e-5.
/// </remarks>
public class DpmSolverAnalyticTests
{
    private const double Tolerance = 2e-5;

    private static readonly SchedulerConfig Base = new()
    {
        BetaSchedule = "scaled_linear", BetaStart = 0.00085, BetaEnd = 0.012, TimestepSpacing = "trailing",
    };

    [Theory]
    [InlineData("dpmsolver++", 1, "midpoint", "zero")]
    [InlineData("dpmsolver++", 2, "midpoint", "zero")]
    [InlineData("dpmsolver++", 2, "heun", "sigma_min")]
    [InlineData("dpmsolver++", 3, "midpoint", "sigma_min")]
    [InlineData("dpmsolver", 1, "midpoint", "sigma_min")]
    [InlineData("dpmsolver", 2, "heun", "sigma_min")]
    [InlineData("dpmsolver", 3, "midpoint", "sigma_min")]
    public void ConstantPredictionIsIntegratedExactly(string algorithm, int order, string solverType, string finalSigma)
    {
        bool data = algorithm == "dpmsolver++";
        SchedulerConfig config = Base with
        {
            AlgorithmType = algorithm, SolverOrder = order, SolverType = solverType, FinalSigmasType = finalSigma,
            PredictionType = data ? "sample" : "epsilon",
        };
        using var scope = torch.NewDisposeScope();
        using var run = (ISigmaSpaceRun)new DpmSolverMultistepSampler().CreateRun(config, 8);
        torch.Tensor xT = torch.randn([2, 3, 4], dtype: torch.float64, generator: new torch.Generator(11));
        torch.Tensor c = torch.randn([2, 3, 4], dtype: torch.float64, generator: new torch.Generator(12));

        torch.Tensor x = DiffusionSampling.Sample(run, (_, _) => c.clone(), xT);

        // In σ-space, x/α follows dx/dσ = (x - D)/σ (data) or dx/dσ = ε (noise).
        double s0 = run.Sigmas[0], sN = run.Sigmas[^1];
        torch.Tensor expected = data
            ? (c + (xT / Alpha(s0) - c) * (sN / s0)) * Alpha(sN)
            : (xT / Alpha(s0) + c * (sN - s0)) * Alpha(sN);
        AssertClose(expected, x);
    }

    [Theory]
    [InlineData("dpmsolver++", 2, "heun")]
    [InlineData("dpmsolver++", 3, "midpoint")]
    [InlineData("dpmsolver", 2, "heun")]
    [InlineData("dpmsolver", 3, "heun")]
    public void HigherOrderStepsAreExactForLinearPredictionInLambda(string algorithm, int order, string solverType)
    {
        bool data = algorithm == "dpmsolver++";
        StepThroughLinearModel(algorithm, order, solverType, (k, xs, level, levelT, a, b) =>
        {
            // Exact integral of e^{±λ}(a + bλ) between λ_s and λ_t.
            if (data)
            {
                torch.Tensor G(double l) => (a + b * (l - 1)) * Math.Exp(l);
                return xs * (levelT.SigmaT / level.SigmaT) + (G(levelT.Lambda) - G(level.Lambda)) * levelT.SigmaT;
            }

            torch.Tensor H(double l) => (a + b * (l + 1)) * -Math.Exp(-l);
            return xs * (levelT.AlphaT / level.AlphaT) - (H(levelT.Lambda) - H(level.Lambda)) * levelT.AlphaT;
        }, firstExactStep: order - 1);
    }

    [Theory]
    [InlineData("dpmsolver++")]
    [InlineData("dpmsolver")]
    public void MidpointRuleIsAlgorithmTwoOfThePaper(string algorithm)
    {
        bool data = algorithm == "dpmsolver++";
        var lambdas = new List<double>();
        StepThroughLinearModel(algorithm, 2, "midpoint", (k, xs, level, levelT, a, b) =>
        {
            // DPM-Solver++(2M), Lu et al. 2022 Algorithm 2: D = (1 + 1/(2r)) m0 - 1/(2r) m1, r = h_prev / h.
            double h = levelT.Lambda - level.Lambda;
            double r = (level.Lambda - level.PreviousLambda) / h;
            torch.Tensor m0 = a + b * level.Lambda, m1 = a + b * level.PreviousLambda;
            torch.Tensor d = m0 * (1 + 1 / (2 * r)) - m1 * (1 / (2 * r));
            return data
                ? xs * (levelT.SigmaT / level.SigmaT) - d * (levelT.AlphaT * (Math.Exp(-h) - 1))
                : xs * (levelT.AlphaT / level.AlphaT) - d * (levelT.SigmaT * (Math.Exp(h) - 1));
        }, firstExactStep: 1);
    }

    [Fact]
    public void MidpointAndHeunDiffer()
    {
        // Guards the two tests above: on this grid the rules differ far beyond the tolerance.
        torch.Tensor Final(string solverType)
        {
            SchedulerConfig config = Base with
            {
                SolverType = solverType, PredictionType = "sample", FinalSigmasType = "sigma_min", LowerOrderFinal = false,
            };
            using ISamplerRun run = new DpmSolverMultistepSampler().CreateRun(config, 6);
            var lambdaOf = run.Timesteps.Zip(((ISigmaSpaceRun)run).Sigmas).ToDictionary(p => p.First, p => -Math.Log(p.Second));
            using torch.Tensor xT = torch.ones(3, dtype: torch.float64);
            return DiffusionSampling.Sample(run, (_, t) => torch.full(3, 2.0 * lambdaOf[t[0].item<double>()], dtype: torch.float64), xT);
        }

        using var scope = torch.NewDisposeScope();
        double difference = (Final("midpoint") - Final("heun")).abs().max().item<double>();
        Assert.True(difference > 1e-3, $"midpoint and heun differ by only {difference}");
    }

    [Fact]
    public void DynamicThresholdingClampsThePredictedX0()
    {
        // Row 0: |x0| = 0, 0.01, ..., 2.00; its 99.5th percentile is 1.99, capped by sample_max_value 1.5, so x0 is
        // clamped to ±1.5 and divided by 1.5. Row 1: |x0| ≤ 0.5, so s = 1 and x0 is unchanged.
        SchedulerConfig config = Base with { PredictionType = "sample", Thresholding = true, SampleMaxValue = 1.5 };
        using var scope = torch.NewDisposeScope();
        torch.Tensor ramp = torch.arange(201, dtype: torch.float64);
        torch.Tensor signs = torch.where(ramp.remainder(2) == 0, 1.0, -1.0);
        torch.Tensor x0 = torch.stack([ramp / 100 * signs, ramp / 400 * signs]);
        torch.Tensor thresholded = torch.stack([x0[0].clamp(-1.5, 1.5) / 1.5, x0[1]]);
        using var run = (ISigmaSpaceRun)new DpmSolverMultistepSampler().CreateRun(config, 5);
        torch.Tensor xT = torch.randn([2, 201], dtype: torch.float64, generator: new torch.Generator(5));

        torch.Tensor x = DiffusionSampling.Sample(run, (_, _) => x0.clone(), xT);

        // Final σ is 0, so the last (first-order) step lands on the thresholded x0 exactly.
        AssertClose(thresholded, x);
    }

    private delegate torch.Tensor ExactStep(int k, torch.Tensor xs, Level level, Level levelT, torch.Tensor a,
        torch.Tensor b);

    /// <summary>Steps a run whose model predicts a + bλ (data or noise), checking every step from
    /// <paramref name="firstExactStep"/> on against <paramref name="expected"/>.</summary>
    private static void StepThroughLinearModel(string algorithm, int order, string solverType, ExactStep expected,
        int firstExactStep)
    {
        SchedulerConfig config = Base with
        {
            AlgorithmType = algorithm, SolverOrder = order, SolverType = solverType, FinalSigmasType = "sigma_min",
            LowerOrderFinal = false, PredictionType = algorithm == "dpmsolver++" ? "sample" : "epsilon",
        };
        using var scope = torch.NewDisposeScope();
        using var run = (ISigmaSpaceRun)new DpmSolverMultistepSampler().CreateRun(config, 10);
        torch.Tensor a = torch.randn([2, 5], dtype: torch.float64, generator: new torch.Generator(3));
        torch.Tensor b = torch.randn([2, 5], dtype: torch.float64, generator: new torch.Generator(4)) * 0.5;
        torch.Tensor x = torch.randn([2, 5], dtype: torch.float64, generator: new torch.Generator(6));
        for (int k = 0; k < run.Timesteps.Count; k++)
        {
            var level = new Level(run.Sigmas[k], k > 0 ? run.Sigmas[k - 1] : double.NaN);
            var levelT = new Level(run.Sigmas[k + 1], run.Sigmas[k]);
            torch.Tensor next = run.Step(a + b * level.Lambda, k, x, StepNoise.Default).PrevSample;
            if (k >= firstExactStep)
            {
                AssertClose(expected(k, x.to(torch.float32).to(torch.float64), level, levelT, a, b), next);
            }

            x = next;
        }
    }

    private static double Alpha(double sigma) => 1 / Math.Sqrt(sigma * sigma + 1);

    private static void AssertClose(torch.Tensor expected, torch.Tensor actual)
    {
        double scale = expected.abs().max().item<double>();
        double error = (actual - expected).abs().max().item<double>() / scale;
        Assert.True(error <= Tolerance, $"relative error {error:E3} exceeds {Tolerance:E1}");
    }

    /// <summary>VP quantities of σ-space level σ (and of the level before it).</summary>
    private readonly record struct Level(double Sigma, double PreviousSigma)
    {
        public double AlphaT => Alpha(Sigma);

        public double SigmaT => Sigma * Alpha(Sigma);

        public double Lambda => -Math.Log(Sigma);

        public double PreviousLambda => -Math.Log(PreviousSigma);
    }
}
