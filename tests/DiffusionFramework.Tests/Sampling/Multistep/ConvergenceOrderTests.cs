using DiffusionFramework.Core.Sampling;
using DiffusionFramework.Core.Schedules;
using DiffusionFramework.Tests.Reference;
using Xunit.Abstractions;

namespace DiffusionFramework.Tests.Sampling.Multistep;

/// <summary>
/// Convergence order on the synthetic model: every solver integrates the same probability-flow ODE from t = 999 (the
/// reference x_T) towards σ_min, so its sample at a timestep all grids share (t = 519) must approach a fine reference
/// solution there by about 2^p per doubling of the steps for an order-p solver (UniPC-p with its corrector: p + 1).
/// The reference is UniPC-3 (order 4) on 500 steps of the same spacing, scaled_linear β (Stable Diffusion's).
/// </summary>
/// <remarks>
/// Measured ratios: first order 1.9-2.0; second order 3.1-4.7 (DPM-Solver++ 2M midpoint/Heun, singlestep 2S, DEIS-2,
/// UniP-2, PNDM: PLMS on the DDIM transfer converges at second order here); third order 5.4-27 (DPM-Solver++ 3M,
/// singlestep 3S, UniPC-2 bh1/bh2). Bounds: first order 1.6-2.6, second order 3-6 (DEIS 2.8: its float32 log-ρ
/// coefficients, as diffusers computes them, lose digits on fine grids), third order above 5 (no upper bound: the
/// finest runs reach the reference's float32 floor). A solver silently running at a lower order fails. The error is
/// taken mid-run because the last step onto σ_min spans a λ interval that shrinks only like log n.
/// </remarks>
public class ConvergenceOrderTests(ITestOutputHelper output)
{
    public static TheoryData<string, string, int, double, double> Solvers() => new()
    {
        // sampler, config overrides (JSON) besides the final σ_min, coarsest step count (then ×2, ×4), lowest and
        // highest allowed error ratio per doubling. DDIM and PNDM step by T/n, so n divides T = 1000 for them.
        { "ddim", """{"timestep_spacing": "trailing", "set_alpha_to_one": false, "clip_sample": false}""", 50, 1.6, 2.6 },
        { "dpmsolver_singlestep", """{"solver_order": 1}""", 100, 1.6, 2.6 },
        { "dpmsolver++", """{"timestep_spacing": "trailing"}""", 100, 3, 6 },
        { "dpmsolver++", """{"timestep_spacing": "trailing", "solver_type": "heun"}""", 100, 3, 6 },
        { "dpmsolver++", """{"timestep_spacing": "trailing", "solver_order": 3}""", 25, 5, 40 },
        { "dpmsolver_singlestep", """{"solver_order": 2}""", 100, 3, 6 },
        { "dpmsolver_singlestep", """{"solver_order": 2, "solver_type": "heun"}""", 50, 3, 6 },
        { "dpmsolver_singlestep", """{"solver_order": 3}""", 25, 5, 40 },
        { "deis", """{"timestep_spacing": "trailing", "solver_order": 2}""", 25, 2.8, 6 },
        { "unipc", """{"timestep_spacing": "trailing", "lower_order_final": false, "disable_corrector": "all"}""", 100, 3, 6 },
        { "unipc", """{"timestep_spacing": "trailing", "lower_order_final": false}""", 25, 5, 40 },
        { "unipc", """{"timestep_spacing": "trailing", "lower_order_final": false, "solver_type": "bh1"}""", 25, 5, 40 },
        { "pndm", """{"timestep_spacing": "trailing", "skip_prk_steps": true, "set_alpha_to_one": false}""", 50, 3, 6 },
        { "pndm", """{"timestep_spacing": "trailing", "set_alpha_to_one": false}""", 50, 3, 6 },
    };

    [Theory]
    [MemberData(nameof(Solvers))]
    public void ErrorFallsAtTheSolversOrder(string sampler, string overrides, int steps, double minRatio, double maxRatio)
    {
        // "disable_corrector": "all" turns UniPC's corrector off at every step (UniP alone).
        bool noCorrector = overrides.Contains("\"all\"", StringComparison.Ordinal);
        SchedulerConfig config = MultistepRuns.ScaledLinear(noCorrector ? overrides.Replace("\"all\"", "[]") : overrides)
            with { FinalSigmasType = "sigma_min" };
        ISampler solver = SamplerRegistry.BuiltIn.Get(sampler);
        (double[] reference, double target) = Reference(config.TimestepSpacing ?? "linspace");
        double[] errors = [.. new[] { steps, 2 * steps, 4 * steps }.Select(n => ReferenceRunner.MaxRelativeError(reference,
            SampleAt(solver, noCorrector ? config with { DisableCorrector = [.. Enumerable.Range(0, n)] } : config, n, target)))];
        output.WriteLine($"{sampler} {overrides}: errors at t = {target}: {string.Join(", ", errors.Select(e => e.ToString("E3")))}; " +
                         $"ratios {errors[0] / errors[1]:F2}, {errors[1] / errors[2]:F2}");
        for (int k = 0; k < 2; k++)
        {
            double ratio = errors[k] / errors[k + 1];
            Assert.True(ratio > minRatio && ratio < maxRatio,
                $"{sampler}: error ratio {ratio:F2} per doubling is outside ({minRatio}, {maxRatio})");
        }
    }

    /// <summary>The sample of a run of <paramref name="n"/> steps at the step that lands on timestep
    /// <paramref name="target"/>.</summary>
    private static double[] SampleAt(ISampler sampler, SchedulerConfig config, int n, double target)
    {
        IReadOnlyList<double> timesteps;
        using (ISamplerRun run = sampler.CreateRun(config, n))
        {
            timesteps = run.Timesteps;
        }

        int landing = Enumerable.Range(0, timesteps.Count - 1).Last(i => timesteps[i + 1] == target);
        return MultistepRuns.Run(sampler, config, n)[landing];
    }

    /// <summary>The fine solution at t ≈ 519, a timestep of every grid used here (999 - 480, with 480 = 12·T/25).</summary>
    private static (double[] Sample, double Timestep) Reference(string spacing)
    {
        SchedulerConfig config = MultistepRuns.ScaledLinear() with
        {
            SolverOrder = 3, TimestepSpacing = spacing, FinalSigmasType = "sigma_min", LowerOrderFinal = false,
        };
        var unipc = new UniPcMultistepSampler();
        double target;
        using (ISamplerRun run = unipc.CreateRun(config, 500))
        {
            target = run.Timesteps[240];
        }

        return (SampleAt(unipc, config, 500, target), target);
    }
}
