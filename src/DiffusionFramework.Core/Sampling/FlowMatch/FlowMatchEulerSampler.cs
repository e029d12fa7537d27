using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Schedules;

namespace DiffusionFramework.Core.Sampling;

/// <summary>
/// Euler's method on the rectified-flow ODE dx/dσ = v(x, σ) for the path x_σ = (1 - σ) x0 + σ ε (Lipman et al. 2023,
/// "Flow Matching for Generative Modeling", arXiv 2210.02747; Liu et al. 2023, arXiv 2209.03003; shifted schedules of
/// Esser et al. 2024, arXiv 2403.03206): x_{i+1} = x_i + (σ_{i+1} - σ_i) v_i; numbers as diffusers'
/// <c>FlowMatchEulerDiscreteScheduler</c>.
/// </summary>
/// <remarks>
/// <para>The model output is the velocity v = ε - x0 of a <see cref="PredictionType.Flow"/> model
/// (<c>prediction_type</c> "flow_prediction", the default here; any other is rejected) and the model is called on the
/// sample itself (no input scaling) with t = σ·T, as the engine's trainer trains flow models.</para>
/// <para>Config keys: <c>num_train_timesteps</c>, <c>shift</c>, <c>use_dynamic_shifting</c> with
/// <c>time_shift_type</c> (μ from <see cref="SamplerRunOptions.Mu"/>, see <see cref="ResolutionShift"/>),
/// <c>shift_terminal</c>, <c>use_karras_sigmas</c>, <c>use_exponential_sigmas</c>, <c>use_beta_sigmas</c>,
/// <c>invert_sigmas</c>, <c>stochastic_sampling</c> (x_{i+1} = (1 - σ_{i+1}) x̂0 + σ_{i+1} ε, float32 noise). Not
/// supported: custom sigmas/timesteps, per-token timesteps. x_T = ε (init_noise_sigma 1); img2img noises
/// with (1 - σ) x0 + σ ε (diffusers' <c>scale_noise</c>).</para>
/// </remarks>
public sealed class FlowMatchEulerSampler : ISampler
{
    /// <inheritdoc />
    public string Name => "flow_euler";

    /// <inheritdoc />
    public IReadOnlyList<string> Aliases { get; } = ["FlowMatchEulerDiscreteScheduler"];

    /// <inheritdoc />
    public bool IsStochastic => false;

    /// <summary>Only <see cref="PredictionType.Flow"/>: the sampler steps with the velocity v = ε - x0.</summary>
    public IReadOnlyList<PredictionType> SupportedPredictionTypes { get; } = [PredictionType.Flow];

    /// <inheritdoc />
    /// <exception cref="ArgumentException">See <see cref="ISampler.CreateRun"/>; also use_dynamic_shifting without
    /// <see cref="SamplerRunOptions.Mu"/>.</exception>
    public ISamplerRun CreateRun(SchedulerConfig config, int numInferenceSteps, SamplerRunOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        SamplerGuards.RequireSteps(numInferenceSteps);
        SamplerGuards.RequirePredictionType(this, config, PredictionType.Flow);
        FlowMatchSettings settings = FlowMatchSettings.From(config, options, Name);
        SamplerGuards.RequireSteps(numInferenceSteps, settings.NumTrainTimesteps);
        return new FlowMatchEulerRun(FlowMatchSigmas.Build(settings, numInferenceSteps), settings.Stochastic);
    }

    /// <summary>
    /// μ for dynamic shifting from the number of latent tokens, as diffusers' flow pipelines compute it
    /// (<c>calculate_shift</c>): linear from <c>base_shift</c> at <c>base_image_seq_len</c> to <c>max_shift</c> at
    /// <c>max_image_seq_len</c> (defaults 0.5 at 256, 1.15 at 4096).
    /// </summary>
    /// <exception cref="ArgumentException">base_image_seq_len equals max_image_seq_len.</exception>
    public static double ResolutionShift(int imageSeqLen, SchedulerConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        double baseLen = config.BaseImageSeqLen ?? 256, maxLen = config.MaxImageSeqLen ?? 4096;
        if (baseLen == maxLen)
        {
            throw new ArgumentException("base_image_seq_len and max_image_seq_len must differ.", nameof(config));
        }

        double slope = ((config.MaxShift ?? 1.15) - (config.BaseShift ?? 0.5)) / (maxLen - baseLen);
        double intercept = (config.BaseShift ?? 0.5) - slope * baseLen;
        return imageSeqLen * slope + intercept;
    }
}
