using DiffusionFramework.Core.Sampling;
using DiffusionFramework.Core.Schedules;
using DiffusionFramework.Tests.Reference;
using TorchSharp;
using Xunit.Abstractions;

namespace DiffusionFramework.Tests.Sampling.Multistep;

/// <summary>
/// The stochastic DPM-Solver variants ("sde-dpmsolver++" of DPMSolverMultistepScheduler and
/// DPMSolverSinglestepScheduler): their first-order step is DDIM with η = 1 (same mean, same noise scale
/// σ_t √(1 - e^{-2h}) = σ_η), the noise comes only from the injected sampler, and a seed fixes a run.
/// </summary>
public class SdeDpmSolverTests(ITestOutputHelper output)
{
    /// <summary>DDIM η = 1 trailing cases ending at ᾱ = 1 (final σ = 0), with their stored step noise.</summary>
    public static TheoryData<string> DdimEtaOneIds()
    {
        var data = new TheoryData<string>();
        foreach (SamplingCase c in ReferenceCases.Sampling("DDIMScheduler").Where(c =>
                     c.Tag("spacing") == "trailing" && c.StepKwarg("eta") == 1 && c.Config.SetAlphaToOne == true &&
                     c.Tag("beta") != "squaredcos_cap_v2"))
        {
            data.Add(c.Id);
        }

        return data;
    }

    /// <summary>
    /// SDE-DPM-Solver++ of order 1 replays diffusers' DDIM η = 1 trajectory when given DDIM's stored noise. Tolerance
    /// as in <see cref="FirstOrderReductionTests"/>, plus the float32 rounding of the replayed float64 noise (the SDE
    /// solver draws float32 noise): measured ≤ 3e-7.
    /// </summary>
    [Theory]
    [MemberData(nameof(DdimEtaOneIds))]
    public void FirstOrderSdeIsDdimEtaOne(string id)
    {
        SamplingCase c = ReferenceCases.Sampling("DDIMScheduler", id);
        SchedulerConfig config = c.Config with { AlgorithmType = "sde-dpmsolver++", SolverOrder = 1 };
        ReferenceRunner.Result result = ReferenceRunner.Run(new DpmSolverMultistepSampler(), c with { Config = config });
        Assert.Equal(0, result.UnusedNoises);
        double worst = MultistepRuns.AssertClose(c.Samples, result.Samples, 2e-6, id);
        output.WriteLine($"{id}: worst relative error {worst:E3}");
    }

    /// <summary>
    /// With zero injected noise the second-order SDE step is its deterministic part (DPM-Solver++ paper, SDE
    /// appendix): x_t = (σ_t/σ_s)e^{-h} x_s + α_t(1 - e^{-2h}) D0 + ½ α_t(1 - e^{-2h}) D1, D1 = (D0 - D_prev)/r,
    /// evaluated here in float64 from the run's own σ grid and model outputs; and a noise sampler is asked exactly
    /// once per step.
    /// </summary>
    [Fact]
    public void ZeroNoiseSecondOrderSdeFollowsItsDeterministicFormula()
    {
        SchedulerConfig config = MultistepRuns.Linear() with { AlgorithmType = "sde-dpmsolver++", TimestepSpacing = "trailing" };
        var zeros = new ZeroNoiseSampler();
        List<double[]> actual = MultistepRuns.Run(new DpmSolverMultistepSampler(), config, 10, zeros);
        Assert.Equal(10, zeros.Draws);

        using var run = (ISigmaSpaceRun)new DpmSolverMultistepSampler().CreateRun(config, 10);
        var expected = new List<double[]>();
        using var scope = torch.NewDisposeScope();
        torch.Tensor x = ReferenceCases.ToTensor(MultistepRuns.XT);
        torch.Tensor? previous = null;
        for (int i = 0; i < 10; i++)
        {
            (double alphaS, double sigmaS, double lambdaS) = Level(run.Sigmas[i]);
            (double alphaT, double sigmaT, double lambdaT) = Level(run.Sigmas[i + 1]);
            torch.Tensor t = torch.full(2, run.Timesteps[i], dtype: torch.ScalarType.Float64);
            torch.Tensor d0 = (x - ReferenceCases.SyntheticModel(x, t) * sigmaS) / alphaS;
            double h = lambdaT - lambdaS;
            double decay = i == 9 ? 0 : Math.Exp(-h);
            torch.Tensor next = x * (sigmaT / sigmaS * decay) + d0 * (alphaT * (1 - decay * decay));
            if (previous is not null && i < 9)
            {
                double r = (lambdaS - Level(run.Sigmas[i - 1]).Lambda) / h;
                next += (d0 - previous) / r * (0.5 * alphaT * (1 - decay * decay));
            }

            previous = d0;
            x = next;
            expected.Add(x.data<double>().ToArray());
        }

        double worst = MultistepRuns.AssertClose(expected, actual, 2e-6, "SDE-DPM-Solver++ 2M with zero noise");
        output.WriteLine($"worst relative error {worst:E3}");
    }

    [Theory]
    [InlineData("sde-dpmsolver++")]
    [InlineData("dpmsolver_singlestep")]
    public void SeededRunsRepeatAndRecordedNoiseReplays(string sampler)
    {
        ISampler s = SamplerRegistry.BuiltIn.Get(sampler);
        SchedulerConfig config = MultistepRuns.Linear() with { AlgorithmType = "sde-dpmsolver++" };
        var recorder = new RecordingNoiseSampler();
        List<double[]> first = MultistepRuns.Run(s, config, 8, recorder, new torch.Generator(7));
        List<double[]> again = MultistepRuns.Run(s, config, 8, new RecordingNoiseSampler(), new torch.Generator(7));
        List<double[]> otherSeed = MultistepRuns.Run(s, config, 8, new RecordingNoiseSampler(), new torch.Generator(8));
        List<double[]> replayed = MultistepRuns.Run(s, config, 8, new ReplayNoiseSampler(recorder.Drawn));

        Assert.Equal(8, recorder.Drawn.Count);
        Assert.Equal(first[^1], again[^1]);
        Assert.Equal(first[^1], replayed[^1]);
        Assert.True(ReferenceRunner.MaxRelativeError(first[^1], otherSeed[^1]) > 1e-3, "another seed gave the same sample");
        ISampler odeSampler = s is SdeDpmSolverMultistepSampler ? new DpmSolverMultistepSampler() : s;
        List<double[]> ode = MultistepRuns.Run(odeSampler, config with { AlgorithmType = "dpmsolver++" }, 8);
        Assert.True(ReferenceRunner.MaxRelativeError(ode[^1], first[^1]) > 1e-3, "the SDE run ignored its noise");
    }

    [Fact]
    public void SdeSamplerNameSwitchesAnOdeConfigToTheSde()
    {
        ISampler sde = SamplerRegistry.BuiltIn.Get("dpm++2m_sde");
        Assert.IsType<SdeDpmSolverMultistepSampler>(sde);
        Assert.True(sde.IsStochastic);
        SchedulerConfig ode = MultistepRuns.Linear() with { AlgorithmType = "dpmsolver++" };
        var zeros = new ZeroNoiseSampler();
        List<double[]> viaName = MultistepRuns.Run(sde, ode, 6, zeros);
        List<double[]> viaConfig = MultistepRuns.Run(new DpmSolverMultistepSampler(),
            ode with { AlgorithmType = "sde-dpmsolver++" }, 6, new ZeroNoiseSampler());
        Assert.Equal(6, zeros.Draws);
        Assert.Equal(viaConfig[^1], viaName[^1]);
    }

    private static (double Alpha, double Sigma, double Lambda) Level(float sigma)
    {
        double alpha = 1 / Math.Sqrt((double)sigma * sigma + 1);
        double sigmaT = sigma * alpha;
        return (alpha, sigmaT, Math.Log(alpha) - Math.Log(sigmaT));
    }
}
