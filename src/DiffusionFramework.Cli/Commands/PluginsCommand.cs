using System.CommandLine;
using DiffusionFramework.Hosting;

namespace DiffusionFramework.Cli.Commands;

/// <summary><c>diffusion plugins</c>: what loaded, what it offers, and what failed and why.</summary>
public static class PluginsCommand
{
    /// <summary>Builds the command.</summary>
    /// <param name="context">The CLI context.</param>
    /// <param name="tasks">The plugin task commands, whose refusals are listed.</param>
    public static Command Create(CliContext context, PluginTaskCommands tasks)
    {
        var command = new Command("plugins", "List loaded plugins, their modalities and tasks, and plugins that failed to load.");
        command.SetAction(_ => CliApp.Guard(context, () => Run(context, tasks)));
        return command;
    }

    private static int Run(CliContext context, PluginTaskCommands taskCommands)
    {
        DiffusionHost host = context.Host;
        TextWriter o = context.Out;
        o.WriteLine($"Loaded plugins ({host.LoadedPlugins.Count}):");
        foreach (LoadedPlugin p in host.LoadedPlugins)
            o.WriteLine($"  {p.Info.Id} {p.Info.Version} [{p.Info.Modality}] {p.Info.Description} ({p.Path})");
        o.WriteLine("Modalities:");
        foreach (var m in host.Modalities)
            o.WriteLine($"  {m.Name}: {m.Description}");
        var tasks = host.Tasks.ToList();
        if (tasks.Count > 0)
        {
            o.WriteLine("Tasks:");
            foreach (var t in tasks)
                o.WriteLine($"  {t.Name} ({t.Modality}): {t.Description}");
        }
        if (taskCommands.Refused.Count > 0)
        {
            o.WriteLine($"Tasks not added as commands ({taskCommands.Refused.Count}):");
            foreach ((var t, string reason) in taskCommands.Refused)
                o.WriteLine($"  {t.Name} ({t.Modality}, {t.GetType().Assembly.GetName().Name}): {reason}");
        }
        foreach (string disabled in host.DisabledPlugins)
            o.WriteLine($"Disabled: {disabled}");
        if (host.Failures.Count > 0)
        {
            o.WriteLine($"Failed to load ({host.Failures.Count}):");
            foreach (PluginLoadFailure f in host.Failures)
                o.WriteLine($"  {f.PluginId ?? Path.GetFileName(f.Path)}: {f.Message} ({f.Path})");
        }
        return ExitCodes.Success;
    }
}
