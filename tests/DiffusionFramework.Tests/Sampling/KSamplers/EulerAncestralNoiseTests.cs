using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Noise;
using DiffusionFramework.Core.Sampling;
using DiffusionFramework.Tests.Reference;
using TorchSharp;

namespace DiffusionFramework.Tests.Sampling.KSamplers;

/// <summary>
/// Euler ancestral's randomness: one draw per step through the injected noise source (the last step too, as
/// diffusers' generator is advanced there), the same samples for the same seed, replayable noise, and the right
/// output distribution: on Gaussian data N(0, s²) with the exact denoiser, the final variance is the one the
/// ancestral recursion predicts (close to s²).
/// </summary>
public class EulerAncestralNoiseTests
{
    [Fact]
    public void DrawsOneNoiseTensorPerStepAndReplaysIt()
    {
        SamplingCase c = KSamplerKit.EulerCases[0];
        var recorder = new RecordingNoiseSampler();
        List<double[]> first = Run(c, recorder, new torch.Generator(11));
        Assert.Equal(c.NumInferenceSteps, recorder.Drawn.Count);

        List<double[]> replayed = Run(c, new ReplayNoiseSampler(recorder.Drawn), null);
        Assert.Equal(first.Count, replayed.Count);
        for (int i = 0; i < first.Count; i++)
        {
            Assert.Equal(first[i], replayed[i]);
        }
    }

    [Fact]
    public void SameSeedSameSamplesOtherSeedOtherSamples()
    {
        SamplingCase c = KSamplerKit.EulerCases[0];
        double[] a = Run(c, GaussianNoiseSampler.Instance, new torch.Generator(5))[^1];
        double[] b = Run(c, GaussianNoiseSampler.Instance, new torch.Generator(5))[^1];
        double[] other = Run(c, GaussianNoiseSampler.Instance, new torch.Generator(6))[^1];
        Assert.Equal(a, b);
        Assert.True(KSamplerKit.RelativeError(other, a) > 1e-3);
    }

    [Theory]
    [InlineData(PredictionType.Epsilon)]
    [InlineData(PredictionType.VPrediction)]
    public void SamplesGaussianDataWithThePredictedVariance(PredictionType prediction)
    {
        const double dataStd = 0.5;
        const int count = 20000;
        using var scope = torch.NewDisposeScope();
        using var run = (ISigmaSpaceRun)new EulerAncestralSampler().CreateRun(
            KSamplerKit.KarrasConfig("scaled_linear", prediction), 50);
        double[] sigmas = run.Sigmas.Select(s => (double)s).ToArray();
        var model = new GaussianDataModel(dataStd, prediction, sigmas[..^1]);
        var generator = new torch.Generator(2024);
        torch.Tensor xT = torch.randn([count], dtype: torch.ScalarType.Float64, generator: generator) * run.InitNoiseSigma;
        torch.Tensor x0 = DiffusionSampling.Sample(run, model.Predict, xT, new SamplingOptions { Generator = generator });

        // Each step maps x ↦ a x + σ_up z with a = 1 + (σ_down - σ)·σ / (s² + σ²) for this data, so the variance
        // follows v ↦ a² v + σ_up² exactly; ancestral Euler approaches s² as the steps shrink.
        double predicted = sigmas[0] * sigmas[0];
        for (int i = 0; i + 1 < sigmas.Length; i++)
        {
            (double from, double to) = (sigmas[i], sigmas[i + 1]);
            double up = Math.Sqrt(to * to * (from * from - to * to) / (from * from));
            double a = 1 + (Math.Sqrt(to * to - up * up) - from) * from / (dataStd * dataStd + from * from);
            predicted = a * a * predicted + up * up;
        }

        Assert.InRange(predicted / (dataStd * dataStd), 0.85, 1.0);
        double variance = x0.square().mean().item<double>();
        Assert.InRange(variance / predicted, 0.95, 1.05); // 20000 draws: standard error 1 %
        Assert.InRange(x0.mean().item<double>(), -0.015, 0.015);
    }

    private static List<double[]> Run(SamplingCase c, INoiseSampler noise, torch.Generator? generator)
    {
        using ISamplerRun run = new EulerAncestralSampler().CreateRun(c.Config, c.NumInferenceSteps);
        using torch.Tensor xT = KSamplerKit.XT(c);
        return KSamplerKit.Trajectory(run, ReferenceCases.SyntheticModel, xT, noise, generator);
    }

    /// <summary>Gaussian noise that remembers what it drew.</summary>
    private sealed class RecordingNoiseSampler : INoiseSampler
    {
        public List<double[]> Drawn { get; } = [];

        public torch.Tensor Sample(long[] shape, torch.ScalarType dtype, torch.Device device, torch.Generator? generator,
            Conditioning? conditioning)
        {
            torch.Tensor z = GaussianNoiseSampler.Instance.Sample(shape, dtype, device, generator, conditioning);
            Drawn.Add(z.to(torch.ScalarType.Float64).data<double>().ToArray());
            return z;
        }
    }
}
