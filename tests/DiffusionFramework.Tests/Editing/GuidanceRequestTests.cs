using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Pipelines;
using DiffusionFramework.Core.Schedules;
using TorchSharp;

namespace DiffusionFramework.Tests.Editing;

/// <summary>Classifier-free guidance reached from GenerationRequest.GuidanceScale / GuidanceRescale.</summary>
public class GuidanceRequestTests
{
    private static readonly Conditioning Labelled = new() { ClassLabels = torch.ones(3, dtype: torch.ScalarType.Int64) };

    /// <summary>ε_c = 2x, ε_u = x.</summary>
    private static FunctionDenoiser Doubling() =>
        new(PredictionType.Epsilon, (x, _, c) => c.DropCondition ? x.clone() : x * 2);

    private static torch.Tensor Generate(IDenoiser denoiser, GenerationRequest request)
    {
        using DiffusionModel model = FunctionModality.Model(denoiser, [6], new SchedulerConfig { ClipSample = false });
        return model.Generate(request);
    }

    private static readonly GenerationRequest Request = new() { Count = 3, Steps = 6, Seed = 4, Conditioning = Labelled };

    /// <summary>ε̃ = ε_u + w (ε_c - ε_u) = x + 3 (2x - x) = 4x: the same run as a model that predicts 4x.</summary>
    [Fact]
    public void GuidanceScaleCombinesTheTwoBranches()
    {
        using var scope = torch.NewDisposeScope();
        FunctionDenoiser guided = Doubling();

        torch.Tensor result = Generate(guided, Request with { GuidanceScale = 3 });
        torch.Tensor expected = Generate(new FunctionDenoiser(PredictionType.Epsilon, (x, _, _) => x * 4), Request);

        Assert.True(Bits.MaxDiff(result, expected) < 1e-5, $"{Bits.MaxDiff(result, expected):E2}");
        Assert.Equal(12, guided.Calls.Count);
        Assert.Equal(6, guided.Calls.Count(c => c.DropCondition));
        Assert.All(guided.Calls, c => Assert.Same(Labelled.ClassLabels, c.ClassLabels));
    }

    /// <summary>Rescale φ = 1 scales 4x back to the standard deviation of ε_c = 2x (Lin et al. 2023, eq. 15-16), which is
    /// the unguided conditional run.</summary>
    [Fact]
    public void FullRescaleRestoresTheConditionalStandardDeviation()
    {
        using var scope = torch.NewDisposeScope();
        torch.Tensor result = Generate(Doubling(), Request with { GuidanceScale = 3, GuidanceRescale = 1 });
        torch.Tensor conditional = Generate(Doubling(), Request);

        Assert.True(Bits.MaxDiff(result, conditional) < 1e-5, $"{Bits.MaxDiff(result, conditional):E2}");
    }
}
