using DiffusionFramework.Core.Sampling;
using DiffusionFramework.Tests.Reference;
using TorchSharp;

namespace DiffusionFramework.Tests.Sampling;

/// <summary>
/// The reference cases rerun with float32 samples land as far from the float64 trajectories as diffusers' own float32
/// reruns did (each case's <c>float32_run_max_rel_diff</c>), proving the sample dtype is honoured end to end.
/// </summary>
public class Float32SamplingTests
{
    public static TheoryData<string> DdimIds() => ReferenceCases.SamplingIds("DDIMScheduler");

    public static TheoryData<string> DdpmIds() => ReferenceCases.SamplingIds("DDPMScheduler");

    [Theory]
    [MemberData(nameof(DdimIds))]
    public void DdimFloat32RunsStayWithinDiffusersFloat32Error(string id)
    {
        SamplingCase c = ReferenceCases.Sampling("DDIMScheduler", id);
        AssertWithinFloat32Error(new DdimSampler(), c, new SamplerRunOptions { Eta = c.StepKwarg("eta") });
    }

    [Theory]
    [MemberData(nameof(DdpmIds))]
    public void DdpmFloat32RunsStayWithinDiffusersFloat32Error(string id) =>
        AssertWithinFloat32Error(new DdpmSampler(), ReferenceCases.Sampling("DDPMScheduler", id), null);

    private static void AssertWithinFloat32Error(ISampler sampler, SamplingCase c, SamplerRunOptions? options)
    {
        ReferenceRunner.Result result = ReferenceRunner.Run(sampler, c, options, torch.ScalarType.Float32);

        // Different float32 rounding orders (libtorch versions, vector widths) may double the error; a factor 4 and a
        // floor of 4 float32 ulps keep the test meaningful: a wrong coefficient is off by ≥ 1e-4.
        double tolerance = Math.Max(4 * c.Float32RunMaxRelDiff, 5e-7);
        double error = ReferenceRunner.MaxRelativeError(c.Samples[^1], result.Samples[^1]);
        Assert.True(error <= tolerance, $"{c.Id}: float32 final sample error {error:E3} > {tolerance:E3}");
    }
}
