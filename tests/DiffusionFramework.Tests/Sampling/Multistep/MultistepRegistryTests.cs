using DiffusionFramework.Core.Sampling;
using DiffusionFramework.Core.Schedules;

namespace DiffusionFramework.Tests.Sampling.Multistep;

/// <summary>The new samplers are built in under their names and diffusers class names, and reject what diffusers
/// rejects with a message naming the key.</summary>
public class MultistepRegistryTests
{
    [Theory]
    [InlineData("DPMSolverSinglestepScheduler", typeof(DpmSolverSinglestepSampler))]
    [InlineData("dpm++2s", typeof(DpmSolverSinglestepSampler))]
    [InlineData("DEISMultistepScheduler", typeof(DeisMultistepSampler))]
    [InlineData("deis", typeof(DeisMultistepSampler))]
    [InlineData("UniPCMultistepScheduler", typeof(UniPcMultistepSampler))]
    [InlineData("unipc", typeof(UniPcMultistepSampler))]
    [InlineData("PNDMScheduler", typeof(PndmSampler))]
    [InlineData("plms", typeof(PndmSampler))]
    [InlineData("DPMSolverMultistepScheduler", typeof(DpmSolverMultistepSampler))]
    [InlineData("dpm++2m_sde", typeof(SdeDpmSolverMultistepSampler))]
    public void BuiltInFindsTheSampler(string name, Type type) =>
        Assert.IsType(type, SamplerRegistry.BuiltIn.Get(name));

    [Theory]
    [InlineData("deis", """{"algorithm_type": "sde-dpmsolver++"}""", "algorithm_type")]
    [InlineData("deis", """{"solver_order": 4}""", "solver_order")]
    [InlineData("unipc", """{"solver_order": 0}""", "solver_order")]
    [InlineData("unipc", """{"use_flow_sigmas": true}""", "use_flow_sigmas")]
    [InlineData("dpmsolver_singlestep", """{"algorithm_type": "sde-dpmsolver", "final_sigmas_type": "sigma_min"}""", "algorithm_type")]
    [InlineData("dpmsolver_singlestep", """{"algorithm_type": "dpmsolver"}""", "final_sigmas_type")]
    [InlineData("dpmsolver++", """{"algorithm_type": "sde-dpmsolver", "solver_order": 3, "final_sigmas_type": "sigma_min"}""", "solver_order")]
    [InlineData("unipc", """{"use_karras_sigmas": true, "use_exponential_sigmas": true}""", "use_karras_sigmas")]
    public void RejectsUnsupportedConfigs(string sampler, string json, string key)
    {
        var e = Assert.Throws<ArgumentException>(() =>
            SamplerRegistry.BuiltIn.Get(sampler).CreateRun(SchedulerConfig.FromJson(json), 10));
        Assert.Contains(key, e.Message);
    }

    [Fact]
    public void OtherSolversConfigKeysReadAsDiffusersMapsThem()
    {
        // A Stable Diffusion DPM-Solver++ config loads into UniPC, DEIS and singlestep unchanged.
        SchedulerConfig dpm = MultistepRuns.Linear() with { AlgorithmType = "dpmsolver++", SolverType = "midpoint" };
        foreach (string name in new[] { "unipc", "deis", "dpmsolver_singlestep" })
        {
            using ISamplerRun run = SamplerRegistry.BuiltIn.Get(name).CreateRun(dpm, 10);
            Assert.Equal(10, run.Timesteps.Count);
        }
    }
}
