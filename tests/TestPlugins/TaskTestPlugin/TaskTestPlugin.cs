using DiffusionFramework.Abstractions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace TaskTestPlugin;

/// <summary>Tasks for the CLI tests: one that reports its options, one whose name a built-in command already has.</summary>
public sealed class TaskTestPlugin : IDiffusionPlugin
{
    public PluginInfo Info { get; } = new("test-tasks", "0.1.0", "test", "Task verbs for the CLI tests.");

    public void ConfigureServices(IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDiffusionTask, OptionsTask>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDiffusionTask, CollidingTask>());
    }
}

/// <summary>Writes every option it received as "key=value" lines (sorted) and returns the exit code --code names.</summary>
public sealed class OptionsTask : IDiffusionTask
{
    public string Name => "test-options";
    public string Modality => "test-none";
    public string Description => "Writes its options back.";

    public IReadOnlyList<TaskOption> Options { get; } =
    [
        new("target", "Required; no default.", Required: true),
        new("mode", "Has a default.", Default: "fast"),
        new("note", "Optional; no default."),
        new("code", "Exit code to return.", Default: "0"),
    ];

    public int Run(TaskInvocation invocation, CancellationToken cancellationToken)
    {
        foreach (var (key, value) in invocation.Options.OrderBy(p => p.Key, StringComparer.Ordinal))
            invocation.Output.WriteLine($"{key}={value}");
        if (invocation.Options["target"] == "missing.file")
            throw new FileNotFoundException("missing.file: file not found");
        invocation.Output.WriteLine($"services: {invocation.Services.GetService<IEnumerable<IDiffusionTask>>()?.Count()}");
        return int.Parse(invocation.Options["code"], System.Globalization.CultureInfo.InvariantCulture);
    }
}

/// <summary>Named like the built-in <c>sample</c> command: the CLI must leave it out and say so.</summary>
public sealed class CollidingTask : IDiffusionTask
{
    public string Name => "sample";
    public string Modality => "test-none";
    public string Description => "Would shadow the built-in sample command.";
    public IReadOnlyList<TaskOption> Options { get; } = [];

    public int Run(TaskInvocation invocation, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("a task that collides with a built-in command must never run");
}
