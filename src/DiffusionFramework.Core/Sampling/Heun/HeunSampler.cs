using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Schedules;

namespace DiffusionFramework.Core.Sampling;

/// <summary>
/// Heun's second-order method on the probability-flow ODE dx/dσ = (x - D(x; σ)) / σ: Karras et al. 2022,
/// "Elucidating the Design Space of Diffusion-Based Generative Models" (arXiv 2206.00364), Algorithm 1 (deterministic
/// sampler); numbers as diffusers' <c>HeunDiscreteScheduler</c>.
/// </summary>
/// <remarks>
/// <para>Each of the N steps but the last takes two model calls: an Euler predictor at σ_i, then a corrector at
/// σ_{i+1} that averages the two slopes. The run therefore has 2N - 1 timesteps [t_0, t_1, t_1, …, t_{N-1},
/// t_{N-1}] and σ [σ_0, σ_1, σ_1, …, σ_{N-1}, σ_{N-1}, 0]; the last step (to σ = 0) is a plain Euler step (algorithm
/// 1, line 7), and <see cref="ISamplerRun.Order"/> is 2.</para>
/// <para>Config keys: the noise schedule (beta_start 0.00085 and beta_end 0.012 by default, as in diffusers; also
/// the "exp" schedule), <c>prediction_type</c> (epsilon, v_prediction, sample), <c>timestep_spacing</c> (default
/// linspace), <c>steps_offset</c>, <c>use_karras_sigmas</c>, <c>use_exponential_sigmas</c>, <c>clip_sample</c>
/// (default false) with <c>clip_sample_range</c>. Not supported: <c>use_beta_sigmas</c>.</para>
/// </remarks>
public sealed class HeunSampler : ISampler
{
    /// <inheritdoc />
    public string Name => "heun";

    /// <inheritdoc />
    public IReadOnlyList<string> Aliases { get; } = ["HeunDiscreteScheduler", "heun_discrete"];

    /// <inheritdoc />
    public bool IsStochastic => false;

    /// <inheritdoc />
    public IReadOnlyList<PredictionType> SupportedPredictionTypes { get; } =
        [PredictionType.Epsilon, PredictionType.VPrediction, PredictionType.Sample];

    /// <inheritdoc />
    public ISamplerRun CreateRun(SchedulerConfig config, int numInferenceSteps, SamplerRunOptions? options = null)
    {
        config = SigmaGridSetup.WithStableDiffusionBetas(config);
        (PredictionType prediction, NoiseSchedule schedule) = SigmaGridSetup.Prepare(this, config, numInferenceSteps);
        SigmaSchedule grid = EulerTimesteps.Build(config, schedule.AlphasCumprod, numInferenceSteps);
        var limits = SampleLimits.FromConfig(config, defaultClipSample: false) with { Thresholding = false };
        return new HeunSamplerRun(Repeated(grid), prediction, limits);
    }

    /// <summary>Every timestep after the first twice; every σ between the first and the final σ twice.</summary>
    private static SigmaSchedule Repeated(SigmaSchedule grid)
    {
        double[] timesteps = [grid.Timesteps[0], .. grid.Timesteps[1..].SelectMany(t => new[] { t, t })];
        float[] sigmas = [grid.Sigmas[0], .. grid.Sigmas[1..^1].SelectMany(s => new[] { s, s }), grid.Sigmas[^1]];
        return grid with { Timesteps = timesteps, Sigmas = sigmas };
    }
}
