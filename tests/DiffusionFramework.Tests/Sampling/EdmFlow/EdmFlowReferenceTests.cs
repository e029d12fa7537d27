using DiffusionFramework.Core.Sampling;
using DiffusionFramework.Tests.Reference;
using Xunit.Abstractions;

namespace DiffusionFramework.Tests.Sampling.EdmFlow;

/// <summary>
/// Every case of sampling_EDMEulerScheduler.json and sampling_FlowMatchEulerDiscreteScheduler.json replayed through
/// the engine, the sampler found by the file's diffusers class name: σ exactly, timesteps and every step's sample to
/// 1e-6 relative. The files here were made by a transcription of the two schedulers (Reference/python); the official
/// diffusers files have the same format and drop in under the same names.
/// </summary>
public class EdmFlowReferenceTests(ITestOutputHelper output)
{
    public static TheoryData<string> EdmIds() => ReferenceCases.SamplingIds("EDMEulerScheduler");

    public static TheoryData<string> FlowIds() => ReferenceCases.SamplingIds("FlowMatchEulerDiscreteScheduler");

    [Theory]
    [MemberData(nameof(EdmIds))]
    public void EdmEulerMatchesDiffusers(string id) => Check("EDMEulerScheduler", id);

    [Theory]
    [MemberData(nameof(FlowIds))]
    public void FlowMatchEulerMatchesDiffusers(string id) => Check("FlowMatchEulerDiscreteScheduler", id);

    /// <summary>The same cases with float32 samples stay within 4 × the reference's own float32 rerun error.</summary>
    [Theory]
    [MemberData(nameof(EdmIds))]
    public void EdmEulerFloat32RunsStayWithinFloat32Error(string id) => CheckFloat32("EDMEulerScheduler", id);

    [Theory]
    [MemberData(nameof(FlowIds))]
    public void FlowMatchEulerFloat32RunsStayWithinFloat32Error(string id) =>
        CheckFloat32("FlowMatchEulerDiscreteScheduler", id);

    private static void CheckFloat32(string schedulerClass, string id)
    {
        SamplingCase c = ReferenceCases.Sampling(schedulerClass, id);
        EulerAndDpmSolverFloat32Tests.AssertWithinFloat32Error(SamplerRegistry.BuiltIn.Get(schedulerClass), c);
    }

    private void Check(string schedulerClass, string id)
    {
        SamplingCase c = ReferenceCases.Sampling(schedulerClass, id);
        ISampler sampler = SamplerRegistry.BuiltIn.Get(c.Config.ClassName ?? schedulerClass);
        double worst = EulerAndDpmSolverReferenceChecks.AssertMatches(sampler, c, 1e-6, 1e-6);
        output.WriteLine($"{id}: worst relative error {worst:E3}");
    }
}
