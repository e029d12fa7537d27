using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Pipelines;
using DiffusionFramework.Core.Sampling;
using DiffusionFramework.Tests.Devices;
using TorchSharp;

namespace DiffusionFramework.Tests.Editing;

/// <summary>
/// Guidance and img2img on the meta device with the points2d plugin, for every sampler: a noise, timestep or coefficient
/// tensor made on the CPU would throw here, as it would on CUDA. Left out because libtorch has no meta kernel for the op:
/// guidance rescale (std) and inpainting's exact blend (where).
/// </summary>
public sealed class EditingMetaDeviceTests(Points2dPluginFixture points) : IClassFixture<Points2dPluginFixture>
{
    /// <summary>The samplers that step with the points2d model's ε-prediction (not flow_euler, which steps with a
    /// velocity; its meta-device test is in Sampling/EdmFlow).</summary>
    public static TheoryData<string> Samplers() => new(SamplerRegistry.BuiltIn.Samplers
        .Where(s => s.SupportedPredictionTypes.Contains(PredictionType.Epsilon)).Select(s => s.Name));

    [Theory]
    [MemberData(nameof(Samplers))]
    public void GuidedImg2ImgRunsOnTheModelsDevice(string sampler)
    {
        using var model = DiffusionModel.Create(points.Modality, points.Plugin, Meta.Device);
        using var scope = torch.NewDisposeScope();
        int steps = 0;
        torch.Tensor samples = model.Generate(new GenerationRequest
        {
            Count = 6,
            Sampler = sampler,
            Steps = 8,
            Conditioning = new Conditioning
            {
                ClassLabels = torch.zeros(6, dtype: torch.ScalarType.Int64, device: Meta.Device),
            },
            GuidanceScale = 2,
            InitImage = torch.zeros([6, 2], device: Meta.Device),
            Strength = 0.75,
            Progress = p =>
            {
                Meta.AssertOn(p.Sample, $"the sample after step {p.StepIndex}");
                steps++;
            },
        });

        Meta.AssertOn(samples, "the samples");
        Assert.Equal([6L, 2L], samples.shape);
        using ISamplerRun run = SamplerRegistry.BuiltIn.CreateRun(sampler, model.Scheduler, 8);
        Assert.Equal(run.Timesteps.Count - run.Order * 2, steps); // t_start = 8 - ⌊8 · 0.75⌋ = 2
    }
}
