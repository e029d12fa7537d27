using DiffusionFramework.Core.Sampling;
using TorchSharp;

namespace DiffusionFramework.Tests.Reference;

/// <summary>
/// Replays a reference sampling case through the engine's public loop (<c>DiffusionSampling.Sample</c>): same
/// config, steps, x_T, synthetic model and stored step noise; collects every step's sample.
/// </summary>
public static class ReferenceRunner
{
    /// <summary>What the engine produced for a case.</summary>
    /// <param name="Timesteps">The run's timesteps.</param>
    /// <param name="InitNoiseSigma">The run's initial noise sigma.</param>
    /// <param name="Samples">The sample after each step, flat, as float64.</param>
    /// <param name="UnusedNoises">Stored noise tensors the engine did not draw.</param>
    public sealed record Result(IReadOnlyList<double> Timesteps, double InitNoiseSigma, IReadOnlyList<double[]> Samples,
        int UnusedNoises);

    /// <summary>Runs <paramref name="c"/> with <paramref name="sampler"/> on float64 (or <paramref name="dtype"/>) samples;
    /// <paramref name="options"/> default to the case's step kwargs (<see cref="OptionsFor"/>).</summary>
    public static Result Run(ISampler sampler, SamplingCase c, SamplerRunOptions? options = null,
        torch.ScalarType dtype = torch.ScalarType.Float64)
    {
        options ??= OptionsFor(c);
        using var scope = torch.NewDisposeScope();
        using ISamplerRun run = sampler.CreateRun(c.Config, c.NumInferenceSteps, options);
        var noise = new ReplayNoiseSampler((c.StepNoises ?? []).OfType<double[]>());
        var samples = new List<double[]>();
        torch.Tensor xT = ReferenceCases.ToTensor(c.XT).to(dtype);
        DiffusionSampling.Sample(run, ReferenceCases.SyntheticModel, xT, new SamplingOptions
        {
            NoiseSampler = noise,
            Progress = p => samples.Add(p.Sample.to(torch.ScalarType.Float64).data<double>().ToArray()),
        });
        return new Result(run.Timesteps.ToArray(), run.InitNoiseSigma, samples, noise.Remaining);
    }

    /// <summary>The run options of the case's <c>step_kwargs</c> (<c>eta</c> of DDIM, <c>order</c> of LMS, the churn
    /// <c>s_churn</c>, <c>s_tmin</c>, <c>s_tmax</c>, <c>s_noise</c> of EDM Euler) and <c>set_timesteps_kwargs</c>
    /// (<c>mu</c> of flow matching).</summary>
    public static SamplerRunOptions OptionsFor(SamplingCase c) => new()
    {
        Eta = c.StepKwarg("eta"),
        Order = c.StepKwarg("order") is { } order ? (int)order : null,
        SChurn = c.StepKwarg("s_churn"),
        STmin = c.StepKwarg("s_tmin"),
        STmax = c.StepKwarg("s_tmax"),
        SNoise = c.StepKwarg("s_noise"),
        Mu = c.SetTimestepsKwarg("mu"),
    };

    /// <summary>max |actual - expected| / max |expected| (the error relative to the sample's scale); infinite when a
    /// value is NaN.</summary>
    public static double MaxRelativeError(double[] expected, double[] actual)
    {
        if (expected.Length != actual.Length)
        {
            throw new ArgumentException($"length {actual.Length} differs from the expected {expected.Length}.");
        }

        double scale = 0, worst = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double diff = Math.Abs(actual[i] - expected[i]);
            if (double.IsNaN(diff))
            {
                return double.PositiveInfinity;
            }

            scale = Math.Max(scale, Math.Abs(expected[i]));
            worst = Math.Max(worst, diff);
        }

        return worst / Math.Max(scale, double.Epsilon);
    }
}
