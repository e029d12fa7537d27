using DiffusionFramework.Abstractions;
using DiffusionFramework.Core;
using DiffusionFramework.Core.Pipelines;
using DiffusionFramework.Core.Sampling;
using DiffusionFramework.Core.Schedules;
using TorchSharp;

namespace DiffusionFramework.Tests.Devices;

/// <summary>
/// The library pipeline on the meta device with the real points2d plugin: every built-in sampler, for every prediction
/// type it supports, generates end to end. A schedule, timestep, noise or coefficient tensor made on the CPU would
/// throw here ("Expected all tensors to be on the same device"), as it would on CUDA.
/// </summary>
public sealed class MetaSamplingTests(Points2dPluginFixture points) : IClassFixture<Points2dPluginFixture>
{
    public static TheoryData<string, string> SamplersAndPredictionTypes()
    {
        var cases = new TheoryData<string, string>();
        foreach (ISampler sampler in SamplerRegistry.BuiltIn.Samplers)
            foreach (PredictionType type in sampler.SupportedPredictionTypes)
                cases.Add(sampler.Name, PredictionTypes.ToConfigString(type));
        return cases;
    }

    [Theory]
    [MemberData(nameof(SamplersAndPredictionTypes))]
    public void EveryBuiltInSamplerGeneratesOnMeta(string sampler, string predictionType)
    {
        Generate(sampler, predictionType, DiffusionModel.DefaultScheduler);
    }

    /// <summary>Code paths the defaults do not take: stochastic DDIM, other DDPM variances, clipping, σ spacings,
    /// higher solver orders and the noise-prediction DPM-Solver.</summary>
    [Theory]
    [InlineData("ddim", "epsilon", 1.0, null)]
    [InlineData("ddim", "v_prediction", 0.5, """{"clip_sample": true, "timestep_spacing": "trailing", "rescale_betas_zero_snr": true}""")]
    [InlineData("ddpm", "epsilon", null, """{"variance_type": "fixed_large", "clip_sample": true}""")]
    [InlineData("ddpm", "sample", null, """{"variance_type": "fixed_small_log", "beta_schedule": "squaredcos_cap_v2"}""")]
    [InlineData("euler", "epsilon", null, """{"use_karras_sigmas": true}""")]
    [InlineData("euler", "v_prediction", null, """{"timestep_spacing": "linspace", "beta_schedule": "scaled_linear", "beta_start": 0.00085, "beta_end": 0.012}""")]
    [InlineData("dpmsolver++", "epsilon", null, """{"solver_order": 3, "use_karras_sigmas": true}""")]
    [InlineData("dpmsolver++", "v_prediction", null, """{"solver_type": "heun", "lower_order_final": false}""")]
    [InlineData("dpmsolver++", "epsilon", null, """{"algorithm_type": "dpmsolver", "final_sigmas_type": "sigma_min", "solver_order": 3}""")]
    public void SchedulerVariantsGenerateOnMeta(string sampler, string predictionType, double? eta, string? scheduler)
    {
        SchedulerConfig config = scheduler is null ? DiffusionModel.DefaultScheduler : SchedulerConfig.FromJson(scheduler);
        Generate(sampler, predictionType, config, new SamplerRunOptions { Eta = eta });
    }

    private void Generate(string sampler, string predictionType, SchedulerConfig scheduler, SamplerRunOptions? runOptions = null)
    {
        using var model = DiffusionModel.Create(points.Modality, points.Plugin, Meta.Device,
            points.Network(("prediction_type", predictionType)), scheduler);
        foreach (var (name, parameter) in model.Denoiser.Module.named_parameters())
            Meta.AssertOn(parameter, name);

        using var scope = torch.NewDisposeScope();
        int steps = 0;
        torch.Tensor samples = model.Generate(new GenerationRequest
        {
            Count = 6,
            Sampler = sampler,
            Steps = 7,
            Seed = 1,
            RunOptions = runOptions,
            Guidance = (denoise, input, timestep, step) =>
            {
                Meta.AssertOn(input, $"the model input of step {step}");
                Meta.AssertOn(timestep, $"the timestep of step {step}");
                Assert.Equal([6L], timestep.shape);
                torch.Tensor output = denoise(input, timestep);
                Meta.AssertOn(output, $"the model output of step {step}");
                return output;
            },
            Progress = p =>
            {
                Meta.AssertOn(p.Sample, $"the sample after step {p.StepIndex}");
                if (p.PredOriginalSample is { } x0)
                    Meta.AssertOn(x0, $"the predicted x0 of step {p.StepIndex}");
                steps++;
            },
        });

        Meta.AssertOn(samples, "the samples");
        Assert.Equal([6L, 2L], samples.shape);
        Assert.Equal(torch.ScalarType.Float32, samples.dtype);
        using ISamplerRun run = SamplerRegistry.BuiltIn.CreateRun(sampler, scheduler, 7, runOptions);
        Assert.Equal(run.Timesteps.Count, steps); // one event per model call: 2·7 - 1 for Heun and KDPM2
    }
}
