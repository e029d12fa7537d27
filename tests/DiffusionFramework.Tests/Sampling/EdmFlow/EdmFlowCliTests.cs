using DiffusionFramework.Tests.Cli;

namespace DiffusionFramework.Tests.Sampling.EdmFlow;

/// <summary><c>diffusion samplers</c> lists both samplers (in the CLI collection: the in-process CLI must not run
/// alongside other tests' libtorch work).</summary>
[Collection(CliCollection.Name)]
public class EdmFlowCliTests
{
    [Theory]
    [InlineData("edm_euler", "EDMEulerScheduler", "v_prediction")]
    [InlineData("flow_euler", "FlowMatchEulerDiscreteScheduler", "deterministic")]
    public void ListedByTheSamplersCommand(string name, string alias, string detail)
    {
        CliResult result = CliRunner.Succeed("samplers");
        string line = Assert.Single(result.OutLines, l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0] == name);
        Assert.Contains(alias, line);
        Assert.Contains(detail, line);
    }
}
