using DiffusionFramework.Core.Sampling;
using DiffusionFramework.Tests.Reference;
using TorchSharp;

namespace DiffusionFramework.Tests.Sampling;

/// <summary>
/// The Euler and DPM-Solver reference cases rerun with float32 samples land as far from the float64 trajectories as
/// diffusers' own float32 reruns did (<c>float32_run_max_rel_diff</c>): the sample dtype is honoured end to end.
/// </summary>
/// <remarks>Tolerance as for DDPM/DDIM (<see cref="Float32SamplingTests"/>): 4 × diffusers' float32 error, at least
/// 4 float32 ulps.</remarks>
public class EulerAndDpmSolverFloat32Tests
{
    public static TheoryData<string> EulerIds() => ReferenceCases.SamplingIds("EulerDiscreteScheduler");

    public static TheoryData<string> DpmSolverIds() => ReferenceCases.SamplingIds("DPMSolverMultistepScheduler");

    [Theory]
    [MemberData(nameof(EulerIds))]
    public void EulerFloat32RunsStayWithinDiffusersFloat32Error(string id) =>
        AssertWithinFloat32Error(new EulerSampler(), ReferenceCases.Sampling("EulerDiscreteScheduler", id));

    [Theory]
    [MemberData(nameof(DpmSolverIds))]
    public void DpmSolverFloat32RunsStayWithinDiffusersFloat32Error(string id) =>
        AssertWithinFloat32Error(new DpmSolverMultistepSampler(), ReferenceCases.Sampling("DPMSolverMultistepScheduler", id));

    internal static void AssertWithinFloat32Error(ISampler sampler, SamplingCase c)
    {
        ReferenceRunner.Result result = ReferenceRunner.Run(sampler, c, null, torch.ScalarType.Float32);
        double tolerance = Math.Max(4 * c.Float32RunMaxRelDiff, 5e-7);
        double error = ReferenceRunner.MaxRelativeError(c.Samples[^1], result.Samples[^1]);
        Assert.True(error <= tolerance, $"{c.Id}: float32 final sample error {error:E3} > {tolerance:E3}");
    }
}
