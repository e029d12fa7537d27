using DiffusionFramework.Core.Sampling;
using DiffusionFramework.Core.Schedules;
using DiffusionFramework.Tests.Reference;

namespace DiffusionFramework.Tests.Sampling.Multistep;

/// <summary>
/// Timesteps, σ grids and per-step orders of the new samplers. The VP solvers share diffusers' DPM-Solver timestep
/// rules (UniPC and DEIS without the λ clip, singlestep always linspace), so diffusers' DPMSolverMultistep vectors
/// give their grids; what differs is the final σ: 0 or σ_min (UniPC: the last Karras σ), DEIS σ_min or the last
/// Karras/exponential σ again. PNDM's and the singlestep orders are written out from diffusers' formulas.
/// </summary>
public class MultistepGridTests
{
    public static TheoryData<string> DpmSolverGridIds()
    {
        var data = new TheoryData<string>();
        foreach (SamplingCase c in ReferenceCases.Sampling("DPMSolverMultistepScheduler").Where(c =>
                     c.Tag("prediction_type") == "epsilon" && c.Tag("variant") is "dpmsolver++_o2" or "dpmsolver++_o2_karras" &&
                     !(c.Tag("variant") == "dpmsolver++_o2_karras" && c.Tag("beta") == "squaredcos_cap_v2")))
        {
            data.Add(c.Id);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(DpmSolverGridIds))]
    public void UniPcDeisAndSinglestepGridsAreDiffusersDpmSolverGrids(string id)
    {
        SamplingCase c = ReferenceCases.Sampling("DPMSolverMultistepScheduler", id);
        bool karras = c.Config.UseKarrasSigmas == true;
        double[] sigmas = c.Sigmas!;

        using var unipc = (ISigmaSpaceRun)new UniPcMultistepSampler().CreateRun(c.Config, c.NumInferenceSteps);
        Assert.Equal(c.Timesteps, unipc.Timesteps);
        Assert.Equal(sigmas, unipc.Sigmas.Select(s => (double)s));

        using var unipcMin = (ISigmaSpaceRun)new UniPcMultistepSampler()
            .CreateRun(c.Config with { FinalSigmasType = "sigma_min" }, c.NumInferenceSteps);
        Assert.Equal(karras ? sigmas[^2] : SigmaMin(c), unipcMin.Sigmas[^1]);

        using var deis = (ISigmaSpaceRun)new DeisMultistepSampler()
            .CreateRun(c.Config with { AlgorithmType = null, SolverType = null }, c.NumInferenceSteps);
        Assert.Equal(c.Timesteps, deis.Timesteps);
        Assert.Equal(sigmas[..^1], deis.Sigmas.Take(sigmas.Length - 1).Select(s => (double)s));
        Assert.Equal(karras ? sigmas[^2] : SigmaMin(c), deis.Sigmas[^1]);

        if (c.Tag("spacing") == "linspace")
        {
            using var singlestep = (ISigmaSpaceRun)new DpmSolverSinglestepSampler().CreateRun(c.Config, c.NumInferenceSteps);
            Assert.Equal(c.Timesteps, singlestep.Timesteps);
            Assert.Equal(sigmas, singlestep.Sigmas.Select(s => (double)s));
        }
    }

    [Fact]
    public void ExponentialSigmasAreGeometricAndTheirTimestepsTruncated()
    {
        SchedulerConfig config = MultistepRuns.Linear() with { UseExponentialSigmas = true };
        using var run = (ISigmaSpaceRun)new UniPcMultistepSampler().CreateRun(config, 12);
        double[] train = TrainingSigmas("schedule/linear");
        Assert.Equal((float)train[^1], run.Sigmas[0]);
        Assert.Equal(train[0], run.Sigmas[^2], 5e-6 * train[0]);
        Assert.Equal(0f, run.Sigmas[^1]);
        double ratio = run.Sigmas[1] / (double)run.Sigmas[0];
        for (int i = 1; i < 12; i++)
        {
            Assert.Equal(ratio, run.Sigmas[i] / (double)run.Sigmas[i - 1], 1e-6);
        }

        Assert.All(run.Timesteps, t => Assert.True(t == Math.Floor(t) && t is >= 0 and <= 999, $"timestep {t}"));
        Assert.True(run.Timesteps.Zip(run.Timesteps.Skip(1)).All(p => p.First >= p.Second), "timesteps must not increase");
    }

    [Theory]
    [InlineData(10, 0, "leading", new long[] { 900, 800, 800, 700, 600, 500, 400, 300, 200, 100, 0 })]
    [InlineData(10, 1, "leading", new long[] { 901, 801, 801, 701, 601, 501, 401, 301, 201, 101, 1 })]
    [InlineData(10, 0, "trailing", new long[] { 999, 899, 899, 799, 699, 599, 499, 399, 299, 199, 99 })]
    [InlineData(4, 0, "linspace", new long[] { 999, 666, 666, 333, 0 })]
    [InlineData(1, 0, "leading", new long[] { 0 })]
    public void PlmsTimestepsRepeatTheSecondOne(int steps, int offset, string spacing, long[] expected)
    {
        SchedulerConfig config = MultistepRuns.Linear() with
        {
            SkipPrkSteps = true, TimestepSpacing = spacing, StepsOffset = offset,
        };
        using ISamplerRun run = new PndmSampler().CreateRun(config, steps);
        Assert.Equal(expected.Select(t => (double)t), run.Timesteps);
        Assert.Equal(steps == 1 ? 1 : steps + 1, run.Timesteps.Count);
    }

    [Fact]
    public void PrkWarmUpTakesTwelveCallsOverTheTopFourTimestepsAndTheirMidpoints()
    {
        using ISamplerRun run = new PndmSampler().CreateRun(MultistepRuns.Linear(), 10);
        long[] expected =
        [
            900, 850, 850, 800, 800, 750, 750, 700, 700, 650, 650, 600,
            600, 500, 400, 300, 200, 100, 0,
        ];
        Assert.Equal(expected.Select(t => (double)t), run.Timesteps);
    }

    [Theory]
    [InlineData(2, 10, false, true, new[] { 1, 2, 1, 2, 1, 2, 1, 2, 1, 1 })]
    [InlineData(2, 9, false, true, new[] { 1, 2, 1, 2, 1, 2, 1, 2, 1 })]
    [InlineData(2, 10, false, false, new[] { 1, 2, 1, 2, 1, 2, 1, 2, 1, 2 })]
    [InlineData(2, 9, false, false, new[] { 1, 2, 1, 2, 1, 2, 1, 2, 1 })]
    [InlineData(3, 9, true, true, new[] { 1, 2, 3, 1, 2, 3, 1, 2, 1 })]
    [InlineData(3, 10, true, true, new[] { 1, 2, 3, 1, 2, 3, 1, 2, 3, 1 })]
    [InlineData(3, 11, true, true, new[] { 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 1 })]
    [InlineData(3, 11, true, false, new[] { 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2 })]
    [InlineData(3, 12, false, false, new[] { 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3 })]
    [InlineData(1, 4, false, true, new[] { 1, 1, 1, 1 })]
    [InlineData(3, 2, false, true, new[] { 1, 1 })]
    public void SinglestepOrdersFollowGetOrderList(int order, int steps, bool lowerOrderFinal, bool finalSigmaZero,
        int[] expected) =>
        Assert.Equal(expected, SinglestepOrders.Compute(order, steps, lowerOrderFinal, finalSigmaZero));

    private static double SigmaMin(SamplingCase c) => (float)TrainingSigmas($"schedule/{c.Tag("beta")}")[0];

    /// <summary>sigmas_k of beta_schedules.json: σ of every training timestep, as diffusers computes it.</summary>
    private static double[] TrainingSigmas(string scheduleId) =>
        ReferenceData.Doubles(ReferenceData.Schedulers("beta_schedules.json").RootElement.GetProperty("cases")
            .EnumerateArray().Single(c => c.GetProperty("id").GetString() == scheduleId).GetProperty("sigmas_k"));
}
