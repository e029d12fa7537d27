using DiffusionFramework.Cli;
using TorchSharp;

namespace DiffusionFramework.Tests.Cli;

public sealed class CliThreadsTests
{
    [Fact]
    public void ThreadsSetsLibtorchsIntraOpThreadCountForTheCommand()
    {
        try
        {
            CliResult result = CliRunner.Run("samplers", "--threads", "2");
            Assert.Equal(ExitCodes.Success, result.ExitCode);
            Assert.Equal(2, torch.get_num_threads());
        }
        finally
        {
            TestProcessSetup.Configure();
        }
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-3")]
    public void ThreadsBelowOneIsAUsageError(string threads)
    {
        CliResult result = CliRunner.Run("samplers", "--threads", threads);
        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("--threads must be at least 1", Assert.Single(result.ErrorLines));
        Assert.Equal(1, torch.get_num_threads());
    }
}
