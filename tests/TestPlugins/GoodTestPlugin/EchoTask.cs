using DiffusionFramework.Abstractions;

namespace GoodTestPlugin;

/// <summary>A task that writes its option back.</summary>
public sealed class EchoTask : IDiffusionTask
{
    public string Name => "test-echo";
    public string Modality => "test-constant";
    public string Description => "Writes --text back.";
    public IReadOnlyList<TaskOption> Options { get; } = [new("text", "What to write.", Default: "hello")];

    public int Run(TaskInvocation invocation, CancellationToken cancellationToken)
    {
        invocation.Output.WriteLine($"echo: {invocation.Options["text"]}");
        return 7;
    }
}
