using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Pipelines;
using DiffusionFramework.Core.Schedules;
using TorchSharp;

namespace DiffusionFramework.Tests.Editing;

/// <summary>
/// Conditioning on a context tensor (super-resolution: the upsampled low-resolution image; speech enhancement: the
/// noisy mel): the context reaches every model call, and the generation follows it.
/// </summary>
public class ContextConditioningTests
{
    /// <summary>An x0-predicting "upsampler" whose prediction is its context (0 when the condition is dropped).</summary>
    private static FunctionDenoiser ContextEcho() => new(PredictionType.Sample,
        (x, _, c) => c.DropCondition || c.Context is null ? torch.zeros_like(x) : c.Context.clone());

    /// <summary>DDIM (η = 0, set_alpha_to_one, no clipping) ends at the last step's predicted x0, which here is the
    /// context: the result is the context, whatever the noise.</summary>
    [Fact]
    public void GenerationFollowsTheContextInEveryModelCall()
    {
        using var scope = torch.NewDisposeScope();
        FunctionDenoiser denoiser = ContextEcho();
        using DiffusionModel model = FunctionModality.Model(denoiser, [2, 3], new SchedulerConfig { ClipSample = false });
        torch.Tensor lowRes = torch.tensor(new float[] { 0.1f, 0.9f, -0.4f }).reshape(1, 1, 3).expand(2, 2, 3).contiguous();
        torch.Tensor other = -lowRes;
        var request = new GenerationRequest { Count = 2, Steps = 7, Seed = 1 };

        torch.Tensor first = model.Generate(request with { Conditioning = new Conditioning { Context = lowRes } });
        torch.Tensor second = model.Generate(request with { Conditioning = new Conditioning { Context = other } });

        Assert.True(Bits.MaxDiff(first, lowRes) < 1e-6, $"{Bits.MaxDiff(first, lowRes):E2}");
        Assert.True(Bits.MaxDiff(second, other) < 1e-6, $"{Bits.MaxDiff(second, other):E2}");
        Assert.Equal(14, denoiser.Calls.Count);
        Assert.All(denoiser.Calls.Take(7), c => Assert.Same(lowRes, c.Context));
        Assert.All(denoiser.Calls.Skip(7), c => Assert.Same(other, c.Context));
    }

    /// <summary>With guidance w, the x0 prediction is 0 + w (context - 0): the result is w · context, so the dropped
    /// branch really saw no context.</summary>
    [Fact]
    public void GuidanceDropsTheContextInTheUnconditionalBranch()
    {
        using var scope = torch.NewDisposeScope();
        FunctionDenoiser denoiser = ContextEcho();
        using DiffusionModel model = FunctionModality.Model(denoiser, [3], new SchedulerConfig { ClipSample = false });
        torch.Tensor context = torch.tensor(new float[] { 0.2f, -0.1f, 0.3f }).expand(4, 3).contiguous();

        torch.Tensor result = model.Generate(new GenerationRequest
        {
            Count = 4, Steps = 5, GuidanceScale = 2.5, Conditioning = new Conditioning { Context = context },
        });

        Assert.True(Bits.MaxDiff(result, context * 2.5) < 1e-6, $"{Bits.MaxDiff(result, context * 2.5):E2}");
        Assert.Equal(10, denoiser.Calls.Count);
        Assert.Equal(5, denoiser.Calls.Count(c => c.DropCondition));
    }
}
