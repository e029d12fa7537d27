using DiffusionFramework.Core.Sampling;
using DiffusionFramework.Tests.Reference;
using Xunit.Abstractions;

namespace DiffusionFramework.Tests.Sampling;

/// <summary>Every case of sampling_EulerDiscreteScheduler.json (default and Karras σ) replayed through the engine.</summary>
public class EulerReferenceTests(ITestOutputHelper output)
{
    public static TheoryData<string> Ids() => ReferenceCases.SamplingIds("EulerDiscreteScheduler");

    [Theory]
    [MemberData(nameof(Ids))]
    public void EulerMatchesDiffusers(string id)
    {
        SamplingCase c = ReferenceCases.Sampling("EulerDiscreteScheduler", id);
        double worst = EulerAndDpmSolverReferenceChecks.AssertMatches(new EulerSampler(), c, 1e-6, 1e-6);
        output.WriteLine($"{id}: worst relative error {worst:E3}");
    }
}
