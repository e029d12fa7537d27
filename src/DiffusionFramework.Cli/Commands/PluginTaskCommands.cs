using System.CommandLine;
using System.Text.RegularExpressions;
using DiffusionFramework.Abstractions;

namespace DiffusionFramework.Cli.Commands;

/// <summary>
/// Turns the plugins' <see cref="IDiffusionTask"/>s into commands named <see cref="IDiffusionTask.Name"/> with one
/// string option <c>--&lt;name&gt;</c> per <see cref="TaskOption"/>. A task that cannot become a command (its name is
/// taken by a built-in command or an earlier task, or a name is not a plain lower-case word) is left out and listed
/// by <see cref="Refused"/>, for <c>diffusion plugins</c>.
/// </summary>
public sealed partial class PluginTaskCommands(CliContext context)
{
    /// <summary>Option names the host itself uses on every command.</summary>
    private static readonly string[] HostOptions = [CliApp.PluginsOption[2..], CliApp.DisablePluginOption[2..], CliApp.ThreadsOption[2..], "help"];

    private readonly List<(IDiffusionTask Task, string Reason)> _refused = [];

    /// <summary>The tasks that were not added, and why; filled by <see cref="AddTo"/>.</summary>
    public IReadOnlyList<(IDiffusionTask Task, string Reason)> Refused => _refused;

    /// <summary>Adds a command for every task of the host that fits beside the commands <paramref name="root"/> has.</summary>
    public void AddTo(RootCommand root)
    {
        foreach (IDiffusionTask task in context.Host.Tasks)
        {
            string? reason = Refusal(task, root);
            if (reason is null)
                root.Subcommands.Add(Create(task));
            else
                _refused.Add((task, reason));
        }
    }

    private static string? Refusal(IDiffusionTask task, RootCommand root)
    {
        if (!PlainName().IsMatch(task.Name ?? ""))
            return $"its name '{task.Name}' is not a lower-case word (a-z, 0-9, '-')";
        if (root.Subcommands.FirstOrDefault(c => c.Name == task.Name) is { } taken)
            return $"its name collides with the command '{taken.Name}' ({taken.Description})";
        foreach (TaskOption option in task.Options ?? [])
        {
            if (!PlainName().IsMatch(option.Name ?? ""))
                return $"its option '{option.Name}' is not a lower-case word (a-z, 0-9, '-')";
            if (HostOptions.Contains(option.Name))
                return $"its option '--{option.Name}' collides with the host's own option";
        }
        if (task.Options?.GroupBy(o => o.Name).FirstOrDefault(g => g.Count() > 1) is { } twice)
            return $"its option '--{twice.Key}' is declared twice";
        return null;
    }

    private Command Create(IDiffusionTask task)
    {
        var command = new Command(task.Name, $"{task.Description} (plugin task, modality '{task.Modality}')");
        var options = new List<(TaskOption Spec, Option<string> Option)>();
        foreach (TaskOption spec in task.Options)
        {
            var option = new Option<string>($"--{spec.Name}") { Description = spec.Description, Required = spec.Required };
            if (spec.Default is { } value)
                option.DefaultValueFactory = _ => value;
            command.Options.Add(option);
            options.Add((spec, option));
        }
        command.SetAction(parse => CliApp.Guard(context, () =>
        {
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach ((TaskOption spec, Option<string> option) in options)
            {
                if (parse.GetValue(option) is { } value)
                    values[spec.Name] = value;
            }
            return task.Run(new TaskInvocation(values, context.Host.Services, context.Out), context.Cancellation);
        }));
        return command;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]*$")]
    private static partial Regex PlainName();
}
