using DiffusionFramework.Core.Sampling;
using DiffusionFramework.Tests.Reference;
using Xunit.Abstractions;

namespace DiffusionFramework.Tests.Sampling;

/// <summary>Every case of sampling_DPMSolverMultistepScheduler.json replayed through the engine.</summary>
public class DpmSolverReferenceTests(ITestOutputHelper output)
{
    public static TheoryData<string> Ids() => ReferenceCases.SamplingIds("DPMSolverMultistepScheduler");

    [Theory]
    [MemberData(nameof(Ids))]
    public void DpmSolverMatchesDiffusers(string id)
    {
        SamplingCase c = ReferenceCases.Sampling("DPMSolverMultistepScheduler", id);
        double worst = EulerAndDpmSolverReferenceChecks.AssertMatches(new DpmSolverMultistepSampler(), c, 0, 1e-6);
        output.WriteLine($"{id}: worst relative error {worst:E3}");
    }
}
