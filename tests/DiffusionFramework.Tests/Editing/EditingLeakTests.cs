using DiffusionFramework.Core.Editing;
using DiffusionFramework.Core.Sampling;
using DiffusionFramework.Core.Schedules;
using DiffusionFramework.Tests.Reference;
using TorchSharp;

namespace DiffusionFramework.Tests.Editing;

/// <summary>The editing loops leave no tensor behind but their result, and do not change their inputs.</summary>
public class EditingLeakTests
{
    private static readonly long[] Shape = [2, 1, 4, 4];

    [Theory]
    [InlineData("ddpm", true)]
    [InlineData("ddim", false)]
    [InlineData("euler", false)]
    [InlineData("dpmsolver++", false)]
    public void InpaintingAndImg2ImgLeakNothing(string sampler, bool rePaint)
    {
        using var outer = torch.NewDisposeScope();
        torch.Tensor known = torch.randn(Shape);
        torch.Tensor copy = known.clone();
        var inpainting = Inpainting.Create(torch.tensor(new float[] { 1, 0, 0, 1 }), known, Shape);
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        using (ISamplerRun run = SamplerRegistry.BuiltIn.CreateRun(sampler, new SchedulerConfig(), 10))
        {
            int begin = Img2Img.BeginIndex(run, 10, 0.7);
            var options = new SamplingOptions { Generator = new torch.Generator(1), BeginIndex = begin };
            using torch.Tensor noise = torch.randn(Shape);
            using torch.Tensor start = Img2Img.Start(run, known, noise, begin);
            using torch.Tensor result = rePaint
                ? RePaint.Sample(run, ReferenceCases.SyntheticModel, start, inpainting, new RePaintSettings(2, 3), options)
                : DiffusionSampling.Sample(run, ReferenceCases.SyntheticModel, start,
                    options with { AfterStep = inpainting.ReplaceKnown(run, options.CreateStepNoise()) });
        }

        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        Assert.Equal(Bits.Of(copy), Bits.Of(known));
    }
}
