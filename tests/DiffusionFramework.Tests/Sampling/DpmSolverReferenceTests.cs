using DiffusionFramework.Core.Sampling;
using DiffusionFramework.Tests.Reference;
using Xunit.Abstractions;

namespace DiffusionFramework.Tests.Sampling;

/// <summary>Every case of sampling_DPMSolverMultistepScheduler.json replayed through the engine.</summary>
/// <remarks>The port reproduces torch's float32 exp and log (SLEEF) and diffusers' dtype rules, so the trajectories
/// agree to float64 rounding (measured ≤ 1.5e-16 relative); 1e-12 leaves room for the model's tanh on other CPUs.
/// </remarks>
public class DpmSolverReferenceTests(ITestOutputHelper output)
{
    public static TheoryData<string> Ids() => ReferenceCases.SamplingIds("DPMSolverMultistepScheduler");

    [Theory]
    [MemberData(nameof(Ids))]
    public void DpmSolverMatchesDiffusers(string id)
    {
        SamplingCase c = ReferenceCases.Sampling("DPMSolverMultistepScheduler", id);
        double worst = EulerAndDpmSolverReferenceChecks.AssertMatches(new DpmSolverMultistepSampler(), c, 0, 1e-12);
        output.WriteLine($"{id}: worst relative error {worst:E3}");
    }
}
