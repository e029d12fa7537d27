using DiffusionFramework.Core.Sampling;
using DiffusionFramework.Core.Schedules;
using TorchSharp;

namespace DiffusionFramework.Tests.Sampling;

/// <summary>Registry names, config validation and run bookkeeping of the DPM-Solver and Euler samplers.</summary>
public class DpmSolverConfigTests
{
    [Theory]
    [InlineData("euler", typeof(EulerSampler))]
    [InlineData("EulerDiscreteScheduler", typeof(EulerSampler))]
    [InlineData("dpmsolver++", typeof(DpmSolverMultistepSampler))]
    [InlineData("dpm++2m", typeof(DpmSolverMultistepSampler))]
    [InlineData("DPMSolverMultistepScheduler", typeof(DpmSolverMultistepSampler))]
    public void RegistryFindsTheSamplers(string name, Type expected) =>
        Assert.IsType(expected, SamplerRegistry.BuiltIn.Get(name));

    [Theory]
    [InlineData("{\"algorithm_type\": \"dpmsolver\"}", "final_sigmas_type")]
    [InlineData("{\"algorithm_type\": \"sde-dpmsolver\", \"solver_order\": 3, \"final_sigmas_type\": \"sigma_min\"}", "solver_order")]
    [InlineData("{\"solver_order\": 4}", "solver_order")]
    [InlineData("{\"use_flow_sigmas\": true}", "use_flow_sigmas")]
    [InlineData("{\"use_beta_sigmas\": true}", "use_beta_sigmas")]
    [InlineData("{\"prediction_type\": \"flow_prediction\"}", "prediction_type")]
    public void UnsupportedConfigsAreRejectedWithTheKeyName(string json, string key)
    {
        var e = Assert.Throws<ArgumentException>(() =>
            new DpmSolverMultistepSampler().CreateRun(SchedulerConfig.FromJson(json), 10));
        Assert.Contains(key, e.Message);
    }

    [Fact]
    public void DeisAndUniPcSolverNamesFallBackLikeDiffusers()
    {
        // diffusers maps algorithm_type "deis" to dpmsolver++ and solver_type logrho/bh1/bh2 to midpoint.
        var config = new SchedulerConfig { AlgorithmType = "deis", SolverType = "bh2" };
        using ISamplerRun run = new DpmSolverMultistepSampler().CreateRun(config, 10);
        using ISamplerRun plain = new DpmSolverMultistepSampler().CreateRun(new SchedulerConfig(), 10);
        Assert.Equal(plain.Timesteps, run.Timesteps);
    }

    [Fact]
    public void StepsMustBeTakenInOrder()
    {
        using var scope = torch.NewDisposeScope();
        using ISamplerRun run = new DpmSolverMultistepSampler().CreateRun(new SchedulerConfig(), 10);
        torch.Tensor x = torch.randn(4, dtype: torch.float64);
        run.Step(x * 0.5, 3, x, StepNoise.Default);
        Assert.Throws<InvalidOperationException>(() => run.Step(x * 0.5, 5, x, StepNoise.Default));
        Assert.Throws<ArgumentOutOfRangeException>(() => run.Step(x, 10, x, StepNoise.Default));
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void ExponentialAndLuSpacingsStepEvenlyInLogSigma(bool exponential, bool lu)
    {
        var config = new SchedulerConfig { UseExponentialSigmas = exponential, UseLuLambdas = lu };
        using var run = (ISigmaSpaceRun)new DpmSolverMultistepSampler().CreateRun(config, 8);
        float[] train = SigmaTimestepMap.TrainingSigmas(NoiseSchedule.FromConfig(config).AlphasCumprod);
        Assert.Equal(train[^1], run.Sigmas[0], 1e-4f);
        Assert.Equal(train[0], run.Sigmas[^2], 1e-6f);
        double logStep = Math.Log(run.Sigmas[1] / run.Sigmas[0]);
        for (int i = 0; i < run.Timesteps.Count - 1; i++)
        {
            Assert.Equal(logStep, Math.Log(run.Sigmas[i + 1] / run.Sigmas[i]), 1e-5);
            // Exponential timesteps are truncated (σ(t) ≤ σ_i ≤ σ(t+1)); uniform-λ ones rounded (within half a step).
            int t = (int)run.Timesteps[i];
            double low = exponential ? train[t] : Math.Sqrt(train[t] * (double)train[Math.Max(t - 1, 0)]);
            double high = exponential ? train[Math.Min(t + 1, 999)] : Math.Sqrt(train[t] * (double)train[Math.Min(t + 1, 999)]);
            Assert.InRange(run.Sigmas[i], low * (1 - 1e-6), high * (1 + 1e-6));
        }
    }

    [Fact]
    public void LambdaClippingDropsTheNoisiestTimesteps()
    {
        // squaredcos_cap_v2 has λ < -5.1 only at the very end (alphā ≈ 0); clipping drops those timesteps, so the
        // linspace grid starts at the last one kept.
        var clipped = new SchedulerConfig { BetaSchedule = "squaredcos_cap_v2", LambdaMinClipped = -5.1 };
        using ISamplerRun run = new DpmSolverMultistepSampler().CreateRun(clipped, 10);
        using ISamplerRun plain = new DpmSolverMultistepSampler().CreateRun(clipped with { LambdaMinClipped = null }, 10);
        float[] alphaBar = NoiseSchedule.FromConfig(clipped).AlphasCumprod.ToArray();
        int kept = alphaBar.Count(a => 0.5 * Math.Log(a / (1 - a)) >= -5.1);
        Assert.InRange(kept, 900, 999);
        Assert.Equal(kept - 1, run.Timesteps[0]);
        Assert.Equal(999, plain.Timesteps[0]);
    }
}
