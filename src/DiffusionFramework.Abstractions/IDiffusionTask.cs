namespace DiffusionFramework.Abstractions;

/// <summary>
/// A verb a plugin offers to the CLI (inpaint, upscale, enhance, infill ...). The CLI knows nothing of the domain:
/// it lists the task's options, parses them as strings and calls <see cref="Run"/>.
/// </summary>
public interface IDiffusionTask
{
    /// <summary>The CLI verb, lower case (e.g. "inpaint").</summary>
    string Name { get; }

    /// <summary>The modality it belongs to (<see cref="IModality.Name"/>).</summary>
    string Modality { get; }

    /// <summary>One line for help output.</summary>
    string Description { get; }

    /// <summary>The options the verb accepts.</summary>
    IReadOnlyList<TaskOption> Options { get; }

    /// <summary>Runs the task. Returns a process exit code (0 = success).</summary>
    int Run(TaskInvocation invocation, CancellationToken cancellationToken);
}

/// <summary>A named option of a task (<c>--name value</c>).</summary>
/// <param name="Name">Option name without dashes.</param>
/// <param name="Description">Help text.</param>
/// <param name="Required">Whether the verb fails without it.</param>
/// <param name="Default">Value used when absent, or null.</param>
public sealed record TaskOption(string Name, string Description, bool Required = false, string? Default = null);

/// <summary>What a task is called with.</summary>
/// <param name="Options">Option values by name (defaults filled in).</param>
/// <param name="Services">The host's service provider (engine, samplers, modalities).</param>
/// <param name="Output">Where to report progress and results.</param>
public sealed record TaskInvocation(IReadOnlyDictionary<string, string> Options, IServiceProvider Services,
    TextWriter Output);
