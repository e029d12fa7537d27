using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Schedules;
using TorchSharp;

namespace DiffusionFramework.Core.Sampling;

/// <summary>
/// Ancestral sampling of Denoising Diffusion Probabilistic Models (Ho et al. 2020, arXiv 2006.11239, Algorithm 2),
/// stepping between the inference timesteps with the posterior q(x_{t'} | x_t, x0) of eq. 6-7; numbers as diffusers'
/// <c>DDPMScheduler</c>.
/// </summary>
/// <remarks>
/// Config defaults: clip_sample true, variance_type fixed_small, timestep_spacing leading. Variance types:
/// fixed_small (β̃), fixed_small_log, fixed_large (β), fixed_large_log, learned and learned_range (Nichol and
/// Dhariwal 2021, eq. 15; the model output then carries 2·C channels). fixed_large_log uses std = exp(½ ln β) where
/// diffusers' code takes the square root of ln β (NaN).
/// </remarks>
public sealed class DdpmSampler : ISampler
{
    /// <inheritdoc />
    public string Name => "ddpm";

    /// <inheritdoc />
    public IReadOnlyList<string> Aliases { get; } = ["DDPMScheduler"];

    /// <inheritdoc />
    public bool IsStochastic => true;

    /// <inheritdoc />
    public IReadOnlyList<PredictionType> SupportedPredictionTypes { get; } =
        [PredictionType.Epsilon, PredictionType.VPrediction, PredictionType.Sample];

    /// <inheritdoc />
    public ISamplerRun CreateRun(SchedulerConfig config, int numInferenceSteps, SamplerRunOptions? options = null)
    {
        SamplerGuards.RequireSteps(numInferenceSteps);
        SamplerGuards.RequirePredictionType(this, config);
        return new Run(config, numInferenceSteps);
    }

    private sealed class Run(SchedulerConfig config, int numInferenceSteps)
        : DiscreteTimestepRun(config, numInferenceSteps, defaultClipSample: true)
    {
        private readonly string _varianceType = config.VarianceType ?? "fixed_small";

        /// <summary>DDPM keeps no state between steps.</summary>
        public override bool CanRevisitSteps => true;

        protected override SamplerStepResult StepCore(torch.Tensor modelOutput, int stepIndex, torch.Tensor sample,
            StepNoise noise)
        {
            long t = IntTimesteps[stepIndex];
            long prevT = stepIndex + 1 < IntTimesteps.Length ? IntTimesteps[stepIndex + 1] : -1;
            torch.Tensor? predictedVariance = null;
            if (_varianceType is "learned" or "learned_range" && modelOutput.shape[1] == 2 * sample.shape[1])
            {
                torch.Tensor[] halves = modelOutput.split(sample.shape[1], 1);
                (modelOutput, predictedVariance) = (halves[0], halves[1]);
            }

            // 1. alphas and betas between t and t' = prevT (float32, as diffusers).
            float alphaProdT = Schedule.AlphasCumprod[(int)t];
            float alphaProdPrev = prevT >= 0 ? Schedule.AlphasCumprod[(int)prevT] : 1f;
            float betaProdT = 1f - alphaProdT;
            float betaProdPrev = 1f - alphaProdPrev;
            float currentAlpha = alphaProdT / alphaProdPrev;
            float currentBeta = 1f - currentAlpha;

            // 2-3. predicted x0 (eq. 15), then clip or threshold it.
            torch.Tensor x0 = Limits.Apply(ModelOutputConversion.ToOriginal(PredictionType, modelOutput, sample,
                MathF.Sqrt(alphaProdT), MathF.Sqrt(betaProdT)));

            // 4-5. posterior mean μ̃(x_t, x0) of eq. 7.
            float x0Coefficient = MathF.Sqrt(alphaProdPrev) * currentBeta / betaProdT;
            float xtCoefficient = MathF.Sqrt(currentAlpha) * betaProdPrev / betaProdT;
            torch.Tensor prev = x0 * x0Coefficient + sample * xtCoefficient;

            // 6. add σ z, except at the final step to t = 0.
            if (t > 0)
            {
                float posteriorVariance = Math.Max(betaProdPrev / betaProdT * currentBeta, 1e-20f);
                torch.Tensor z = noise.Draw(modelOutput);
                prev = prev + StandardDeviation(posteriorVariance, currentBeta, predictedVariance, z) * z;
            }

            return new SamplerStepResult(prev, x0);
        }

        private torch.Tensor StandardDeviation(float posteriorVariance, float beta, torch.Tensor? predictedVariance,
            torch.Tensor like)
        {
            switch (_varianceType)
            {
                case "fixed_small":
                    return Scalar(MathF.Sqrt(posteriorVariance), like);
                case "fixed_small_log":
                    return Scalar(MathF.Exp(0.5f * MathF.Log(posteriorVariance)), like);
                case "fixed_large":
                    return Scalar(MathF.Sqrt(beta), like);
                case "fixed_large_log":
                    return Scalar(MathF.Exp(0.5f * MathF.Log(beta)), like);
                case "learned":
                    return RequirePredicted(predictedVariance).sqrt();
                default:
                    // learned_range: interpolate log σ² between ln β̃ and ln β with v = (output + 1) / 2.
                    torch.Tensor fraction = (RequirePredicted(predictedVariance) + 1) / 2;
                    torch.Tensor logVariance = fraction * (double)MathF.Log(beta) +
                                               (1 - fraction) * (double)MathF.Log(posteriorVariance);
                    return (0.5 * logVariance).exp();
            }
        }

        private torch.Tensor RequirePredicted(torch.Tensor? predictedVariance) => predictedVariance ??
            throw new ArgumentException(
                $"variance_type {_varianceType} needs a model output with twice the sample's channels.");

        private static torch.Tensor Scalar(float value, torch.Tensor like) =>
            torch.tensor((double)value, dtype: torch.ScalarType.Float64, device: like.device);
    }
}
