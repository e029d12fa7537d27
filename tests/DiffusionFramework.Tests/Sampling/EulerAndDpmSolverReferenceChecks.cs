using DiffusionFramework.Core.Sampling;
using DiffusionFramework.Tests.Reference;

namespace DiffusionFramework.Tests.Sampling;

/// <summary>
/// Replays a σ-space reference case (Euler, DPM-Solver) through the engine's public sampling loop and compares
/// timesteps, σ, init_noise_sigma and every step's sample with the diffusers numbers.
/// </summary>
internal static class EulerAndDpmSolverReferenceChecks
{
    /// <summary>Asserts that <paramref name="sampler"/> reproduces <paramref name="c"/>.</summary>
    /// <param name="sampler">The sampler under test.</param>
    /// <param name="c">The reference case.</param>
    /// <param name="timestepTolerance">Allowed |Δt| / max(t, 1) per timestep (0: equal).</param>
    /// <param name="sampleTolerance">Allowed max |Δ| / max |x| of every step's sample.</param>
    /// <returns>The worst sample error, for the test log.</returns>
    public static double AssertMatches(ISampler sampler, SamplingCase c, double timestepTolerance, double sampleTolerance)
    {
        using (var run = (ISigmaSpaceRun)sampler.CreateRun(c.Config, c.NumInferenceSteps, ReferenceRunner.OptionsFor(c)))
        {
            Assert.Equal(c.Sigmas!, run.Sigmas.Select(s => (double)s));
        }

        ReferenceRunner.Result result = ReferenceRunner.Run(sampler, c);
        Assert.Equal(c.InitNoiseSigma, result.InitNoiseSigma);
        Assert.Equal(0, result.UnusedNoises);
        Assert.Equal(c.Timesteps.Length, result.Timesteps.Count);
        for (int i = 0; i < c.Timesteps.Length; i++)
        {
            double error = Math.Abs(result.Timesteps[i] - c.Timesteps[i]) / Math.Max(Math.Abs(c.Timesteps[i]), 1);
            Assert.True(error <= timestepTolerance,
                $"{c.Id}: timestep {i} is {result.Timesteps[i]}, diffusers has {c.Timesteps[i]} (relative error {error:E3})");
        }

        Assert.Equal(c.Samples.Length, result.Samples.Count);
        double worst = 0;
        for (int i = 0; i < c.Samples.Length; i++)
        {
            double error = ReferenceRunner.MaxRelativeError(c.Samples[i], result.Samples[i]);
            Assert.True(error <= sampleTolerance, $"{c.Id}: step {i} (t = {c.Timesteps[i]}) relative error {error:E3}");
            worst = Math.Max(worst, error);
        }

        return worst;
    }
}
