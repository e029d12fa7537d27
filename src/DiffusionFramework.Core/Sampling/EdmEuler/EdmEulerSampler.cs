using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Schedules;

namespace DiffusionFramework.Core.Sampling;

/// <summary>
/// Euler's method in the EDM formulation: Karras et al. 2022, "Elucidating the Design Space of Diffusion-Based
/// Generative Models" (arXiv 2206.00364), Algorithm 2 with first-order steps, the σ grid of eq. 5 (or evenly spaced in
/// ln σ) and the preconditioning of table 1 (<see cref="EdmPreconditioning"/>); numbers as diffusers'
/// <c>EDMEulerScheduler</c>. The model sees c_in·x and the timestep c_noise = ln(σ)/4 (float32), not a training
/// timestep.
/// </summary>
/// <remarks>
/// Config keys: <c>sigma_min</c> (0.002), <c>sigma_max</c> (80), <c>sigma_data</c> (0.5), <c>sigma_schedule</c>
/// (karras | exponential), <c>rho</c> (7), <c>prediction_type</c> (epsilon | v_prediction),
/// <c>final_sigmas_type</c> (zero | sigma_min), <c>num_train_timesteps</c> (1000; only bounds the step count).
/// Churn comes from <see cref="SamplerRunOptions.SChurn"/> and its siblings (default 0: deterministic).
/// x_T = √(σ_max² + 1)·ε, as diffusers' <c>init_noise_sigma</c>. It is meant for models trained with EDM
/// preconditioning: a model trained on DDPM timesteps runs, but sees c_noise ≈ -1.6 … 1.1 as its timestep.
/// </remarks>
public sealed class EdmEulerSampler : ISampler
{
    /// <inheritdoc />
    public string Name => "edm_euler";

    /// <inheritdoc />
    public IReadOnlyList<string> Aliases { get; } = ["EDMEulerScheduler"];

    /// <inheritdoc />
    public bool IsStochastic => false;

    /// <inheritdoc />
    public IReadOnlyList<PredictionType> SupportedPredictionTypes { get; } =
        [PredictionType.Epsilon, PredictionType.VPrediction];

    /// <inheritdoc />
    public ISamplerRun CreateRun(SchedulerConfig config, int numInferenceSteps, SamplerRunOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        SamplerGuards.RequireSteps(numInferenceSteps);
        SamplerGuards.RequirePredictionType(this, config);
        EdmSettings settings = EdmSettings.From(config, Name);
        SamplerGuards.RequireSteps(numInferenceSteps, config.NumTrainTimesteps ?? 1000);
        ChurnSettings churn = ChurnSettings.From(options, Name);
        return new EdmEulerRun(EdmSigmas.Build(settings, numInferenceSteps),
            new EdmPreconditioning(settings.SigmaData, settings.Prediction), churn);
    }
}
