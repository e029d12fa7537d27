using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Sampling;
using DiffusionFramework.Core.Schedules;

namespace GoodTestPlugin;

/// <summary>A sampler contributed by a plugin; only its identity matters to the host tests.</summary>
public sealed class PluginSampler : ISampler
{
    public string Name => "test-sampler";
    public IReadOnlyList<string> Aliases { get; } = ["TestPluginScheduler"];
    public bool IsStochastic => false;
    public IReadOnlyList<PredictionType> SupportedPredictionTypes { get; } = [PredictionType.Epsilon];

    public ISamplerRun CreateRun(SchedulerConfig config, int numInferenceSteps, SamplerRunOptions? options = null) =>
        throw new NotSupportedException("test sampler: identity only");
}
