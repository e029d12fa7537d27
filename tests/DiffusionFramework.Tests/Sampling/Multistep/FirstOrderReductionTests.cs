using DiffusionFramework.Core.Sampling;
using DiffusionFramework.Core.Schedules;
using DiffusionFramework.Tests.Reference;
using Xunit.Abstractions;

namespace DiffusionFramework.Tests.Sampling.Multistep;

/// <summary>
/// Reductions that hold exactly in exact arithmetic, checked against diffusers' own reference vectors:
/// <list type="bullet">
/// <item>first-order DPM-Solver(++) is DDIM (Lu et al. 2022, arXiv 2206.00927, sec. 4.1): DEIS, UniPC (corrector off)
/// and singlestep DPM-Solver++ of order 1 on DDIM's trailing grid t_i → t_i - T/n reproduce DDIM η = 0;</item>
/// <item>UniP-2 with B(h) = e^h - 1 and no corrector is DPM-Solver++(2M) (Zhao et al. 2023, arXiv 2302.04867,
/// sec. 3.3): UniPC bh2, order 2, every corrector disabled reproduces the dpmsolver++ order-2 vectors.</item>
/// </list>
/// </summary>
/// <remarks>
/// The two sides reach the same update through different float32 coefficients (ᾱ directly vs σ, α = 1/√(σ²+1),
/// λ and e^h, or e^h - 1 vs expm1), and diffusers' DPM-Solver rounds the sample to float32 each step, so they agree
/// to float32 rounding: measured ≤ 4e-7 relative. 2e-6 leaves room while any algebraic slip (a wrong level, order or
/// sign) shows as ≥ 1e-3. The squaredcos_cap_v2 cases are left out: starting at ᾱ ≈ 2.4e-9 they amplify float32
/// rounding to ~1e-4 (README numerics note 2).
/// </remarks>
public class FirstOrderReductionTests(ITestOutputHelper output)
{
    private const double Tolerance = 2e-6;

    /// <summary>DDIM η = 0 trailing cases whose final ᾱ is ᾱ_0 (set_alpha_to_one false): final σ = σ_min.</summary>
    public static TheoryData<string> DdimSigmaMinIds() => Ids("DDIMScheduler",
        c => c.Tag("spacing") == "trailing" && c.Config.SetAlphaToOne == false && c.Config.RescaleBetasZeroSnr != true &&
             c.StepKwarg("eta") == 0);

    /// <summary>DDIM η = 0 trailing cases ending at ᾱ = 1 (final σ = 0), without clipping.</summary>
    public static TheoryData<string> DdimZeroIds() => Ids("DDIMScheduler",
        c => c.Tag("spacing") == "trailing" && c.Config.SetAlphaToOne == true && c.Config.ClipSample != true &&
             c.Tag("beta") != "squaredcos_cap_v2" && c.StepKwarg("eta") == 0);

    /// <summary>dpmsolver++ order-2 midpoint cases (uniform σ grid, no Karras).</summary>
    public static TheoryData<string> DpmSolverIds() => Ids("DPMSolverMultistepScheduler",
        c => c.Tag("variant") == "dpmsolver++_o2" && c.Tag("beta") != "squaredcos_cap_v2");

    [Theory]
    [MemberData(nameof(DdimSigmaMinIds))]
    public void DeisOrderOneIsDdim(string id)
    {
        SamplingCase c = ReferenceCases.Sampling("DDIMScheduler", id);
        Check(new DeisMultistepSampler(), c, c.Config with { SolverOrder = 1, AlgorithmType = null, SolverType = null });
    }

    [Theory]
    [MemberData(nameof(DdimSigmaMinIds))]
    public void UniPcOrderOneWithoutCorrectorIsDdimToSigmaMin(string id)
    {
        SamplingCase c = ReferenceCases.Sampling("DDIMScheduler", id);
        Check(new UniPcMultistepSampler(), c, UniPc(c, 1) with { FinalSigmasType = "sigma_min" });
    }

    [Theory]
    [MemberData(nameof(DdimZeroIds))]
    public void UniPcOrderOneWithoutCorrectorIsDdim(string id)
    {
        SamplingCase c = ReferenceCases.Sampling("DDIMScheduler", id);
        Check(new UniPcMultistepSampler(), c, UniPc(c, 1));
    }

    [Theory]
    [MemberData(nameof(DpmSolverIds))]
    public void UniPcBh2OrderTwoWithoutCorrectorIsDpmSolverPlusPlus2M(string id)
    {
        SamplingCase c = ReferenceCases.Sampling("DPMSolverMultistepScheduler", id);
        Check(new UniPcMultistepSampler(), c, UniPc(c, 2) with { SolverType = "bh2" });
    }

    [Fact]
    public void SinglestepOrderOneIsUniPcOrderOneAndDdimUpdate()
    {
        // The singlestep grid is always linspace (no DDIM case has it); both are first-order DPM-Solver++, reached
        // through DpmSolverPhi and UniPcCoefficients respectively.
        SchedulerConfig config = MultistepRuns.Linear() with { SolverOrder = 1 };
        List<double[]> singlestep = MultistepRuns.Run(new DpmSolverSinglestepSampler(), config, 10);
        List<double[]> unipc = MultistepRuns.Run(new UniPcMultistepSampler(),
            config with { TimestepSpacing = "linspace", DisableCorrector = [.. Enumerable.Range(0, 10)] }, 10);
        double worst = MultistepRuns.AssertClose(unipc, singlestep, Tolerance, "singlestep o1 vs UniPC o1");
        output.WriteLine($"worst relative difference {worst:E3}");
    }

    private static SchedulerConfig UniPc(SamplingCase c, int order) => c.Config with
    {
        SolverOrder = order,
        SolverType = null,
        DisableCorrector = [.. Enumerable.Range(0, c.NumInferenceSteps)],
        LowerOrderFinal = true,
    };

    private void Check(ISampler sampler, SamplingCase c, SchedulerConfig config)
    {
        ReferenceRunner.Result result = ReferenceRunner.Run(sampler, c with { Config = config });
        Assert.Equal(c.Timesteps, result.Timesteps);
        double worst = MultistepRuns.AssertClose(c.Samples, result.Samples, Tolerance, $"{sampler.Name} on {c.Id}");
        output.WriteLine($"{c.Id}: worst relative error {worst:E3}");
    }

    private static TheoryData<string> Ids(string schedulerClass, Func<SamplingCase, bool> keep)
    {
        var data = new TheoryData<string>();
        foreach (SamplingCase c in ReferenceCases.Sampling(schedulerClass).Where(keep))
        {
            data.Add(c.Id);
        }

        return data;
    }
}
