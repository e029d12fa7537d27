using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Schedules;
using TorchSharp;

namespace DiffusionFramework.Core.Sampling;

/// <summary>
/// Denoising Diffusion Implicit Models (Song et al. 2021, arXiv 2010.02502): the generalised update of eq. 12 with
/// σ_t(η) of eq. 16; η = 0 is deterministic DDIM, η = 1 has DDPM's variance. Numbers as diffusers' <c>DDIMScheduler</c>.
/// </summary>
/// <remarks>
/// Notation: alphā_t → alpha_prod_t, x0 → pred_original_sample, ε → pred_epsilon, σ_t → std_dev_t.
/// The previous timestep is t - T div n for every spacing, as in diffusers. Config defaults: clip_sample true,
/// set_alpha_to_one true, timestep_spacing leading. Works with zero-terminal-SNR schedules for v and x0 prediction.
/// </remarks>
public sealed class DdimSampler : ISampler
{
    /// <inheritdoc />
    public string Name => "ddim";

    /// <inheritdoc />
    public IReadOnlyList<string> Aliases { get; } = ["DDIMScheduler"];

    /// <inheritdoc />
    public bool IsStochastic => false;

    /// <inheritdoc />
    public IReadOnlyList<PredictionType> SupportedPredictionTypes { get; } =
        [PredictionType.Epsilon, PredictionType.VPrediction, PredictionType.Sample];

    /// <inheritdoc />
    public ISamplerRun CreateRun(SchedulerConfig config, int numInferenceSteps, SamplerRunOptions? options = null)
    {
        SamplerGuards.RequireSteps(numInferenceSteps);
        SamplerGuards.RequirePredictionType(this, config);
        double eta = options?.Eta ?? 0.0;
        if (!(eta >= 0) || double.IsInfinity(eta))
        {
            throw new ArgumentException($"DDIM eta must be a finite number ≥ 0, got {eta}.", nameof(options));
        }

        return new Run(config, numInferenceSteps, (float)eta);
    }

    private sealed class Run : DiscreteTimestepRun
    {
        private readonly float _eta;
        private readonly float _finalAlphaCumprod;
        private readonly long _stepRatio;

        public Run(SchedulerConfig config, int numInferenceSteps, float eta)
            : base(config, numInferenceSteps, defaultClipSample: true)
        {
            _eta = eta;
            _finalAlphaCumprod = (config.SetAlphaToOne ?? true) ? 1f : Schedule.AlphasCumprod[0];
            _stepRatio = Schedule.NumTrainTimesteps / numInferenceSteps;
        }

        /// <summary>DDIM keeps no state between steps.</summary>
        public override bool CanRevisitSteps => true;

        /// <summary>alphā after the last step: 1 with set_alpha_to_one, else alphā_0.</summary>
        protected override float FinalAlphaCumprod => _finalAlphaCumprod;

        protected override SamplerStepResult StepCore(torch.Tensor modelOutput, int stepIndex, torch.Tensor sample,
            StepNoise noise)
        {
            // 1. previous step value t' = t - T div n.
            long t = IntTimesteps[stepIndex];
            long prevT = t - _stepRatio;

            // 2. alphas and betas (float32, as diffusers).
            float alphaProdT = Schedule.AlphasCumprod[(int)t];
            float alphaProdPrev = prevT >= 0 ? Schedule.AlphasCumprod[(int)prevT] : _finalAlphaCumprod;
            float betaProdT = 1f - alphaProdT;
            float betaProdPrev = 1f - alphaProdPrev;
            float sqrtAlpha = MathF.Sqrt(alphaProdT);
            float sqrtBeta = MathF.Sqrt(betaProdT);

            // 3. predicted x0 and ε ("predicted x_0" of eq. 12).
            torch.Tensor x0 = ModelOutputConversion.ToOriginal(PredictionType, modelOutput, sample, sqrtAlpha, sqrtBeta);
            torch.Tensor epsilon = ModelOutputConversion.ToEpsilon(PredictionType, modelOutput, sample, sqrtAlpha,
                sqrtBeta);

            // 4. clip or threshold x0.
            x0 = Limits.Apply(x0);

            // 5. σ_t(η) = η √((1 - alphā_{t'}) / (1 - alphā_t)) √(1 - alphā_t / alphā_{t'}), eq. 16.
            float variance = betaProdPrev / betaProdT * (1f - alphaProdT / alphaProdPrev);
            float stdDev = _eta * MathF.Sqrt(variance);

            // 6. "direction pointing to x_t" of eq. 12.
            torch.Tensor direction = epsilon * (double)MathF.Sqrt(1f - alphaProdPrev - stdDev * stdDev);

            // 7. x_{t'} without the random noise, then σ_t z when η > 0.
            torch.Tensor prev = x0 * (double)MathF.Sqrt(alphaProdPrev) + direction;
            if (_eta > 0)
            {
                prev = prev + noise.Draw(modelOutput) * (double)stdDev;
            }

            return new SamplerStepResult(prev, x0);
        }
    }
}
