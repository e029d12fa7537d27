using System.CommandLine;
using System.Text.Json;
using DiffusionFramework.Cli.Commands;
using DiffusionFramework.Hosting;

namespace DiffusionFramework.Cli;

/// <summary>
/// The <c>diffusion</c> command line. Plugins are loaded first (so their task verbs become commands), then the
/// arguments are parsed and the chosen command runs. Every failure ends as one line on standard error and a
/// meaningful exit code (<see cref="ExitCodes"/>).
/// </summary>
public static class CliApp
{
    /// <summary>Extra plugin folders (repeatable); recognised before parsing, since plugins add commands.</summary>
    public const string PluginsOption = "--plugins";

    /// <summary>Plugin ids to skip (repeatable).</summary>
    public const string DisablePluginOption = "--disable-plugin";

    /// <summary>libtorch's intra-op thread count for the whole command.</summary>
    public const string ThreadsOption = "--threads";

    /// <summary>Runs the command line and returns the process exit code.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error, CancellationToken cancellation)
    {
        DiffusionHost host;
        try
        {
            host = BuildHost(args);
        }
        catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"diffusion: error: {ErrorText.Of(e)}");
            return ExitCodes.Usage;
        }

        using (host)
        {
            var context = new CliContext(host, output, error, cancellation);
            RootCommand root = BuildCommands(context);
            ParseResult parsed = root.Parse(args);
            if (parsed.Errors.Count > 0)
            {
                foreach (var e in parsed.Errors)
                    error.WriteLine($"diffusion: error: {e.Message}");
                error.WriteLine("Run 'diffusion --help' for usage.");
                return ExitCodes.Usage;
            }
            if (parsed.GetValue<int?>(ThreadsOption) is int threads)
            {
                if (threads < 1)
                {
                    error.WriteLine($"diffusion: error: --threads must be at least 1 (got {threads}).");
                    return ExitCodes.Usage;
                }
                TorchSharp.torch.set_num_threads(threads);
            }
            return parsed.Invoke(new InvocationConfiguration
            {
                Output = output,
                Error = error,
                EnableDefaultExceptionHandler = false,
            });
        }
    }

    /// <summary>Wraps a command body: maps exceptions to one error line (<see cref="ErrorText"/>) and an exit code.</summary>
    public static int Guard(CliContext context, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (OperationCanceledException)
        {
            context.Error.WriteLine("diffusion: cancelled");
            return ExitCodes.Cancelled;
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            context.Error.WriteLine($"diffusion: error: {ErrorText.Of(e)}");
            return ExitCodes.Usage;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or InvalidDataException
                                      or JsonException or UnauthorizedAccessException or IOException)
        {
            context.Error.WriteLine($"diffusion: error: {ErrorText.Of(e)}");
            return ExitCodes.BadInput;
        }
        catch (Exception e)
        {
            context.Error.WriteLine($"diffusion: error: {e.GetType().Name}: {ErrorText.Of(e)}");
            return ExitCodes.Failure;
        }
    }

    private static DiffusionHost BuildHost(string[] args)
    {
        var builder = new DiffusionHostBuilder();
        for (int i = 0; i < args.Length - 1; i++)
        {
            if (args[i] == PluginsOption)
                builder.AddPluginFolder(args[++i]);
            else if (args[i] == DisablePluginOption)
                builder.DisablePlugin(args[++i]);
        }
        return builder.Build();
    }

    private static RootCommand BuildCommands(CliContext context)
    {
        var root = new RootCommand("DiffusionFramework: train and sample diffusion models for any modality a plugin adds.");
        root.Options.Add(new Option<string[]>(PluginsOption)
        {
            Description = "An extra folder to load plugins from (repeatable).",
            Recursive = true,
            Arity = ArgumentArity.ZeroOrMore,
        });
        root.Options.Add(new Option<string[]>(DisablePluginOption)
        {
            Description = "A plugin id not to load (repeatable).",
            Recursive = true,
            Arity = ArgumentArity.ZeroOrMore,
        });
        root.Options.Add(new Option<int?>(ThreadsOption)
        {
            Description = "libtorch intra-op threads (default: libtorch's choice); 1 avoids the thread pool's slow warm-up on small models.",
            Recursive = true,
        });
        var tasks = new PluginTaskCommands(context);
        root.Subcommands.Add(PluginsCommand.Create(context, tasks));
        root.Subcommands.Add(DemoCommand.Create(context));
        root.Subcommands.Add(TrainCommand.Create(context));
        root.Subcommands.Add(SampleCommand.Create(context));
        root.Subcommands.Add(Img2ImgCommand.Create(context));
        root.Subcommands.Add(InpaintCommand.Create(context));
        root.Subcommands.Add(EvalCommand.Create(context));
        root.Subcommands.Add(CompareCommand.Create(context));
        root.Subcommands.Add(ExportCommand.Create(context));
        root.Subcommands.Add(SamplersCommand.Create(context));
        root.Subcommands.Add(BenchCommand.Create(context));
        root.Subcommands.Add(InfoCommand.Create(context));
        tasks.AddTo(root);
        return root;
    }
}
