using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Sampling;
using DiffusionFramework.Core.Schedules;
using DiffusionFramework.Tests.Reference;
using TorchSharp;
using Xunit.Abstractions;

namespace DiffusionFramework.Tests.Sampling.Multistep;

/// <summary>
/// PNDM (Liu et al. 2022, arXiv 2202.09778): every linear-multistep (PLMS, eq. 12) and pseudo Runge-Kutta (eq. 13)
/// combination has weights summing to 1 and the transfer φ of eq. 9 is DDIM's η = 0 update, so a model whose noise
/// prediction does not depend on x or t makes PNDM follow DDIM exactly: the warm-up's repeated timestep and the
/// Runge-Kutta midpoints then only re-evaluate the same ε.
/// </summary>
public class PndmTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(true, "leading", "epsilon")]
    [InlineData(true, "trailing", "epsilon")]
    [InlineData(false, "leading", "epsilon")]
    [InlineData(false, "trailing", "epsilon")]
    public void WithAConstantNoisePredictionPndmIsDdim(bool skipPrkSteps, string spacing, string prediction)
    {
        SchedulerConfig config = MultistepRuns.Linear() with
        {
            SkipPrkSteps = skipPrkSteps, SetAlphaToOne = false, ClipSample = false, StepsOffset = 1,
            TimestepSpacing = spacing, PredictionType = "epsilon",
        };
        torch.Tensor epsilon = ReferenceCases.ToTensor(ReferenceCases.Sampling("DDPMScheduler")[0].XT) * 0.3;
        double[] pndm = Run(new PndmSampler(), config with { PredictionType = prediction }, epsilon, prediction);
        double[] ddim = Run(new DdimSampler(), config, epsilon, "epsilon");
        double error = ReferenceRunner.MaxRelativeError(ddim, pndm);
        output.WriteLine($"skip_prk_steps={skipPrkSteps} {prediction}: relative difference {error:E3}");
        Assert.True(error < 1e-6, $"PNDM differs from DDIM by {error:E3}");
    }

    [Fact]
    public void RejectsWhatDiffusersRejects()
    {
        var pndm = new PndmSampler();
        var e = Assert.Throws<ArgumentException>(() =>
            pndm.CreateRun(MultistepRuns.Linear() with { PredictionType = "sample" }, 10));
        Assert.Contains("prediction_type", e.Message);
        e = Assert.Throws<ArgumentException>(() => pndm.CreateRun(MultistepRuns.Linear(), 3));
        Assert.Contains("skip_prk_steps", e.Message);
        e = Assert.Throws<ArgumentException>(() =>
            pndm.CreateRun(MultistepRuns.Linear() with { SkipPrkSteps = true, StepsOffset = 200 }, 10));
        Assert.Contains("steps_offset", e.Message);
    }

    [Fact]
    public void StepsMustBeTakenInOrder()
    {
        using ISamplerRun run = new PndmSampler().CreateRun(MultistepRuns.Linear() with { SkipPrkSteps = true }, 5);
        using torch.Tensor x = torch.zeros(2, 3);
        run.Step(x, 0, x, StepNoise.Default).PrevSample.Dispose();
        Assert.Throws<InvalidOperationException>(() => run.Step(x, 2, x, StepNoise.Default));
    }

    /// <summary>Runs with a model that returns ε (or, for v_prediction, the v equivalent to ε at its input).</summary>
    private static double[] Run(ISampler sampler, SchedulerConfig config, torch.Tensor epsilon, string prediction)
    {
        var schedule = NoiseSchedule.FromConfig(config);
        using var scope = torch.NewDisposeScope();
        using ISamplerRun run = sampler.CreateRun(config, 10);
        torch.Tensor model(torch.Tensor x, torch.Tensor t)
        {
            if (prediction == "epsilon")
            {
                return epsilon.alias();
            }

            // v = √ᾱ ε - √(1-ᾱ) x0 with x0 = (x - √(1-ᾱ) ε)/√ᾱ.
            double alphaBar = schedule.AlphasCumprod[(int)t[0].item<double>()];
            double a = Math.Sqrt(alphaBar);
            double s = Math.Sqrt(1 - alphaBar);
            return epsilon * a - (x - epsilon * s) / a * s;
        }

        torch.Tensor result = DiffusionSampling.Sample(run, model, ReferenceCases.ToTensor(MultistepRuns.XT));
        return result.data<double>().ToArray();
    }
}
