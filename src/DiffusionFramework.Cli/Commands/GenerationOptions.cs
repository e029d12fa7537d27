using System.CommandLine;
using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Pipelines;
using DiffusionFramework.Core.Sampling;
using Microsoft.Extensions.DependencyInjection;
using TorchSharp;

namespace DiffusionFramework.Cli.Commands;

/// <summary>The generation options shared by <c>sample</c>, <c>eval</c>, <c>img2img</c> and <c>inpaint</c>.</summary>
public sealed class GenerationOptions
{
    private const int DefaultCount = 16;
    private readonly Option<string> _sampler = new("--sampler") { Description = "Sampler name or diffusers class name (see 'diffusion samplers'); default ddim (flow_euler for flow_prediction models).", DefaultValueFactory = _ => SamplerRegistry.DefaultName };
    private readonly Option<int> _steps = new("--steps") { Description = "Sampling steps.", DefaultValueFactory = _ => 50 };
    private readonly Option<int?> _count = new("--count")
    {
        Description = $"Number of samples (default: the number of --input or --context items, else {DefaultCount}); a single input is repeated --count times.",
    };
    private readonly Option<long> _seed = CommonOptions.Seed();
    private readonly Option<string> _device = CommonOptions.Device();
    private readonly Option<double?> _eta = new("--eta") { Description = "DDIM's eta (0 deterministic, 1 DDPM-like)." };
    private readonly Option<bool> _noEma = new("--no-ema") { Description = "Use the raw weights even when the checkpoint has EMA weights." };
    private readonly Option<double> _guidance = new("--guidance")
    {
        Description = "Classifier-free guidance scale w (1 = off); needs a conditional model and a condition (--class, --context).",
        DefaultValueFactory = _ => 1.0,
    };
    private readonly Option<double> _guidanceRescale = new("--guidance-rescale") { Description = "Guidance rescale phi in [0, 1] (0 = off)." };
    private readonly Option<string?> _class = new("--class") { Description = "Class label to generate: shorthand for --set class=N." };
    private readonly Option<string[]> _context = new("--context")
    {
        Description = "A context file (low-resolution image, noisy clip ...) read by the modality (repeatable: one per sample).",
        Arity = ArgumentArity.ZeroOrMore,
    };
    private readonly Option<string[]> _set = new("--set")
    {
        Description = "Modality sampling option key=value (repeatable), e.g. --set class=3.",
        Arity = ArgumentArity.ZeroOrMore,
    };

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach (Option o in new Option[] { _sampler, _steps, _count, _seed, _device, _eta, _noEma, _guidance, _guidanceRescale, _class, _context, _set })
            command.Options.Add(o);
    }

    /// <summary>Reads and checks the values (before any work starts).</summary>
    /// <exception cref="ArgumentException">A count or step number below 1, a guidance scale that is not finite or a
    /// rescale outside [0, 1].</exception>
    public Values Read(ParseResult parse)
    {
        Dictionary<string, string> settings = KeyValueOptions.Parse(parse.GetValue(_set), "--set");
        if (parse.GetValue(_class) is { } label)
            settings["class"] = label.Trim();
        var values = new Values(parse.GetValue(_sampler)!, parse.GetResult(_sampler) is { Implicit: false },
            parse.GetValue(_steps), parse.GetValue(_count),
            parse.GetValue(_seed), parse.GetValue(_device)!, parse.GetValue(_eta), !parse.GetValue(_noEma), settings,
            parse.GetValue(_guidance), parse.GetValue(_guidanceRescale), parse.GetValue(_context) ?? []);
        if (values.Steps < 1)
            throw new ArgumentException($"--steps must be at least 1 (got {values.Steps}).");
        if (values.Count < 1)
            throw new ArgumentException($"--count must be at least 1 (got {values.Count}).");
        if (!double.IsFinite(values.GuidanceScale))
            throw new ArgumentException($"--guidance must be a finite number (got {values.GuidanceScale}).");
        if (values.GuidanceRescale is not (>= 0 and <= 1))
            throw new ArgumentException($"--guidance-rescale must lie in [0, 1] (got {values.GuidanceRescale}).");
        return values;
    }

    /// <summary>Parsed generation options.</summary>
    /// <param name="Sampler">Sampler name or alias.</param>
    /// <param name="SamplerGiven">True when --sampler was on the command line; otherwise a model whose prediction type
    /// the default sampler cannot step with gets the first registered sampler that can (flow_euler for
    /// flow_prediction models).</param>
    /// <param name="Steps">Sampling steps.</param>
    /// <param name="Count">--count when given; null lets the inputs decide (<see cref="InputBatches.ResolveCount"/>).</param>
    /// <param name="Seed">Seed of the run's generator.</param>
    /// <param name="Device">The --device choice.</param>
    /// <param name="Eta">DDIM's eta, or null.</param>
    /// <param name="PreferEma">Use EMA weights when the checkpoint has them.</param>
    /// <param name="Settings">Modality sampling options (--set, --class).</param>
    /// <param name="GuidanceScale">Classifier-free guidance scale w.</param>
    /// <param name="GuidanceRescale">Guidance rescale phi.</param>
    /// <param name="ContextFiles">--context files, read by the modality's reader.</param>
    public sealed record Values(string Sampler, bool SamplerGiven, int Steps, int? Count, long Seed, string Device, double? Eta,
        bool PreferEma, IReadOnlyDictionary<string, string> Settings, double GuidanceScale, double GuidanceRescale,
        IReadOnlyList<string> ContextFiles)
    {
        /// <summary>
        /// The request for <paramref name="model"/>: the modality's conditioning (with the --context files read by its
        /// reader), guidance and a progress bar. The count is --count, else the largest batch of <paramref name="inputs"/>
        /// and the context, else 16; every batch must be 1 (repeated) or the count. Tensors are created in the
        /// caller's dispose scope.
        /// </summary>
        /// <param name="context">The CLI context (host, streams, cancellation).</param>
        /// <param name="model">The loaded model.</param>
        /// <param name="inputs">The batch sizes of the command's input files, by option (e.g. ("--input FILE", 3)).</param>
        /// <exception cref="ArgumentException">Batches that disagree, or guidance with nothing to drop.</exception>
        public GenerationRequest ToRequest(CliContext context, DiffusionModel model,
            params IReadOnlyList<(string Source, long Batch)> inputs)
        {
            SamplerRegistry registry = context.Host.Services.GetRequiredService<SamplerRegistry>();
            string sampler = SamplerFor(registry, model.Denoiser.PredictionType);
            torch.Tensor? contextTensor = ContextFiles.Count == 0 ? null
                : InputBatches.RequireReader(model, "--context").ReadContext(ContextFiles, model.NetworkConfig, model.Device);
            var batches = contextTensor is null ? inputs
                : [.. inputs, ($"--context {string.Join(", ", ContextFiles)}", contextTensor.shape[0])];
            int count = InputBatches.ResolveCount(Count, DefaultCount, batches);
            Conditioning conditioning = model.Modality.SamplingConditioning(count, Settings, model.NetworkConfig, model.Device);
            if (contextTensor is not null)
                conditioning = conditioning with { Context = contextTensor.expand([count, .. contextTensor.shape[1..]]) };
            if (GuidanceScale > 1 && conditioning.ClassLabels is null && conditioning.Context is null)
                throw new ArgumentException(
                    $"--guidance {GuidanceScale} needs a condition to guide towards, but modality '{model.Modality.Name}' " +
                    "gave no class labels or context for these options: pass --class N or --context FILE if the model " +
                    "is conditional, or leave --guidance at 1.");
            ConsoleProgress? bar = null;
            return new GenerationRequest
            {
                Count = count,
                Sampler = sampler,
                Samplers = registry,
                Steps = Steps,
                Seed = Seed,
                RunOptions = new SamplerRunOptions { Eta = Eta },
                Conditioning = conditioning,
                GuidanceScale = GuidanceScale,
                GuidanceRescale = GuidanceRescale,
                Progress = p => (bar ??= new ConsoleProgress(context.Error, sampler, p.StepCount)).Report(p.StepIndex + 1),
                CancellationToken = context.Cancellation,
            };
        }

        /// <summary>--sampler as given, or the registry's default for <paramref name="prediction"/> models (ddim, or
        /// flow_euler for flow_prediction).</summary>
        private string SamplerFor(SamplerRegistry registry, PredictionType prediction) =>
            SamplerGiven ? Sampler : registry.DefaultFor(prediction).Name;
    }
}
