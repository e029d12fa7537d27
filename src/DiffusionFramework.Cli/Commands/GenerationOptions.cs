using System.CommandLine;
using DiffusionFramework.Core.Pipelines;
using DiffusionFramework.Core.Sampling;
using Microsoft.Extensions.DependencyInjection;

namespace DiffusionFramework.Cli.Commands;

/// <summary>The generation options shared by <c>sample</c>, <c>eval</c> and plugin tasks.</summary>
public sealed class GenerationOptions
{
    private readonly Option<string> _sampler = new("--sampler") { Description = "Sampler name or diffusers class name (see 'diffusion samplers').", DefaultValueFactory = _ => "ddim" };
    private readonly Option<int> _steps = new("--steps") { Description = "Sampling steps.", DefaultValueFactory = _ => 50 };
    private readonly Option<int> _count = new("--count") { Description = "Number of samples.", DefaultValueFactory = _ => 16 };
    private readonly Option<long> _seed = CommonOptions.Seed();
    private readonly Option<string> _device = CommonOptions.Device();
    private readonly Option<double?> _eta = new("--eta") { Description = "DDIM's eta (0 deterministic, 1 DDPM-like)." };
    private readonly Option<bool> _noEma = new("--no-ema") { Description = "Use the raw weights even when the checkpoint has EMA weights." };
    private readonly Option<string[]> _set = new("--set")
    {
        Description = "Modality sampling option key=value (repeatable), e.g. --set class=3.",
        Arity = ArgumentArity.ZeroOrMore,
    };

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach (Option o in new Option[] { _sampler, _steps, _count, _seed, _device, _eta, _noEma, _set })
            command.Options.Add(o);
    }

    /// <summary>Reads and checks the values (before any work starts).</summary>
    /// <exception cref="ArgumentException">A count or step number below 1.</exception>
    public Values Read(ParseResult parse)
    {
        var values = new Values(parse.GetValue(_sampler)!, parse.GetValue(_steps), parse.GetValue(_count),
            parse.GetValue(_seed), parse.GetValue(_device)!, parse.GetValue(_eta), !parse.GetValue(_noEma),
            KeyValueOptions.Parse(parse.GetValue(_set), "--set"));
        if (values.Steps < 1)
            throw new ArgumentException($"--steps must be at least 1 (got {values.Steps}).");
        if (values.Count < 1)
            throw new ArgumentException($"--count must be at least 1 (got {values.Count}).");
        return values;
    }

    /// <summary>Parsed generation options.</summary>
    public sealed record Values(string Sampler, int Steps, int Count, long Seed, string Device, double? Eta,
        bool PreferEma, IReadOnlyDictionary<string, string> Settings)
    {
        /// <summary>The request for <paramref name="model"/>, with the modality's conditioning and a progress bar.</summary>
        public GenerationRequest ToRequest(CliContext context, DiffusionModel model)
        {
            SamplerRegistry registry = context.Host.Services.GetRequiredService<SamplerRegistry>();
            registry.Get(Sampler);
            ConsoleProgress? bar = null;
            return new GenerationRequest
            {
                Count = Count,
                Sampler = Sampler,
                Samplers = registry,
                Steps = Steps,
                Seed = Seed,
                RunOptions = new SamplerRunOptions { Eta = Eta },
                Conditioning = model.Modality.SamplingConditioning(Count, Settings, model.Device),
                Progress = p => (bar ??= new ConsoleProgress(context.Error, Sampler, p.StepCount)).Report(p.StepIndex + 1),
                CancellationToken = context.Cancellation,
            };
        }
    }
}
