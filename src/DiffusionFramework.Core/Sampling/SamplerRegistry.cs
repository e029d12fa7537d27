using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Schedules;

namespace DiffusionFramework.Core.Sampling;

/// <summary>Finds samplers by name or alias (case-insensitive).</summary>
public sealed class SamplerRegistry
{
    private readonly Dictionary<string, ISampler> _byName = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>A registry of <paramref name="samplers"/>.</summary>
    /// <exception cref="ArgumentException">Two samplers share a name or alias.</exception>
    public SamplerRegistry(IEnumerable<ISampler> samplers)
    {
        ArgumentNullException.ThrowIfNull(samplers);
        Samplers = samplers.ToArray();
        foreach (ISampler sampler in Samplers)
        {
            foreach (string name in sampler.Aliases.Prepend(sampler.Name))
            {
                if (!_byName.TryAdd(name, sampler) && !ReferenceEquals(_byName[name], sampler))
                {
                    throw new ArgumentException($"sampler name \"{name}\" is used by two samplers.", nameof(samplers));
                }
            }
        }
    }

    /// <summary>The samplers built into the engine.</summary>
    public static SamplerRegistry BuiltIn { get; } =
        new([
            new DdpmSampler(), new DdimSampler(), new PndmSampler(), new EulerSampler(), new EulerAncestralSampler(),
            new HeunSampler(), new Kdpm2Sampler(), new LmsSampler(), new DpmSolverMultistepSampler(),
            new SdeDpmSolverMultistepSampler(), new DpmSolverSinglestepSampler(), new DeisMultistepSampler(),
            new UniPcMultistepSampler(), new EdmEulerSampler(), new FlowMatchEulerSampler(),
        ]);

    /// <summary>All registered samplers.</summary>
    public IReadOnlyList<ISampler> Samplers { get; }

    /// <summary>Primary names of the registered samplers.</summary>
    public IReadOnlyList<string> Names => Samplers.Select(s => s.Name).ToArray();

    /// <summary>The sampler called <paramref name="nameOrAlias"/>.</summary>
    /// <exception cref="ArgumentException">No such sampler; the message lists the valid names.</exception>
    public ISampler Get(string nameOrAlias)
    {
        ArgumentNullException.ThrowIfNull(nameOrAlias);
        if (_byName.TryGetValue(nameOrAlias.Trim(), out ISampler? sampler))
        {
            return sampler;
        }

        string valid = string.Join(", ", Samplers.Select(s => $"{s.Name} ({string.Join(", ", s.Aliases)})"));
        throw new ArgumentException($"unknown sampler \"{nameOrAlias}\"; valid samplers are: {valid}.",
            nameof(nameOrAlias));
    }

    /// <summary>The sampler used when none is named: <see cref="DefaultName"/> when registered and able to step
    /// <paramref name="prediction"/> models, else the first registered sampler that can (flow_euler for
    /// flow_prediction), else <see cref="DefaultName"/> (whose run then refuses the model with the usual message).</summary>
    /// <exception cref="ArgumentException">Nothing can be chosen: no sampler called <see cref="DefaultName"/> and none
    /// that steps <paramref name="prediction"/> models.</exception>
    public ISampler DefaultFor(PredictionType prediction)
    {
        ISampler? named = TryGet(DefaultName, out ISampler? found) ? found : null;
        if (named is not null && named.SupportedPredictionTypes.Contains(prediction))
            return named;
        return For(prediction).FirstOrDefault() ?? named ?? Get(DefaultName);
    }

    /// <summary>The registered samplers that step <paramref name="prediction"/> models, in registration order.</summary>
    public IReadOnlyList<ISampler> For(PredictionType prediction) =>
        [.. Samplers.Where(s => s.SupportedPredictionTypes.Contains(prediction))];

    /// <summary>The name of the default sampler: ddim.</summary>
    public const string DefaultName = "ddim";

    /// <summary>Looks a sampler up without throwing.</summary>
    public bool TryGet(string nameOrAlias, out ISampler? sampler) =>
        _byName.TryGetValue(nameOrAlias?.Trim() ?? "", out sampler);

    /// <summary>Looks up <paramref name="nameOrAlias"/> and creates a run.</summary>
    /// <exception cref="ArgumentException">numInferenceSteps &lt; 1 (checked first), or an unknown sampler.</exception>
    public ISamplerRun CreateRun(string nameOrAlias, SchedulerConfig config, int numInferenceSteps,
        SamplerRunOptions? options = null)
    {
        SamplerGuards.RequireSteps(numInferenceSteps);
        return Get(nameOrAlias).CreateRun(config, numInferenceSteps, options);
    }
}
