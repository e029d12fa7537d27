using DiffusionFramework.Abstractions;
using TorchSharp;

namespace DiffusionFramework.Core.Sampling;

/// <summary>
/// One run of <see cref="HeunSampler"/> (Karras et al. 2022, Algorithm 1). Even step indices are the Euler predictor
/// from σ_i to σ_{i+1} (lines 3-5); odd ones the trapezoidal corrector (lines 6-8), which restarts from the predictor's
/// input x_i with the mean of the two slopes. The predictor's slope, step and input are kept in between.
/// </summary>
/// <remarks>
/// As in diffusers, the update runs at the sample's precision (no float32 cast), σ and Δσ are float32, and the
/// predicted x0 is clipped when <c>clip_sample</c> is set.
/// </remarks>
internal sealed class HeunSamplerRun(SigmaSchedule grid, PredictionType prediction, SampleLimits limits)
    : SigmaGridRun(grid, prediction, order: 2)
{
    private torch.Tensor? _derivative;
    private torch.Tensor? _sample;
    private float _dt;
    private int _predictorIndex = -1;

    public override void Dispose() => Forget();

    protected override SamplerStepResult StepCore(torch.Tensor modelOutput, int stepIndex, torch.Tensor sample,
        StepNoise noise)
    {
        bool predictor = stepIndex % 2 == 0;
        if (!predictor && _predictorIndex != stepIndex - 1)
        {
            throw new InvalidOperationException(
                $"Heun run: step {stepIndex} corrects step {stepIndex - 1}, which was not taken just before it.");
        }

        // σ_i and σ_{i+1} of this Heun step; the model was evaluated at σ_i (predictor) or σ_{i+1} (corrector).
        float sigma = Grid.Sigmas[predictor ? stepIndex : stepIndex - 1];
        float sigmaNext = Grid.Sigmas[predictor ? stepIndex + 1 : stepIndex];
        torch.Tensor denoised = limits.Apply(
            KarrasMath.Denoised(Prediction, modelOutput, sample, predictor ? sigma : sigmaNext));

        if (predictor)
        {
            // 1. Euler predictor: d_i = (x_i - D(x_i; σ_i)) / σ_i, x' = x_i + (σ_{i+1} - σ_i) d_i.
            Forget();
            torch.Tensor derivative = KarrasMath.ToD(sample, denoised, sigma);
            _dt = sigmaNext - sigma;
            _derivative = Keep(derivative);
            _sample = Keep(sample);
            _predictorIndex = stepIndex;
            return new SamplerStepResult(sample + derivative * _dt, denoised);
        }

        // 2. Corrector: d' = (x' - D(x'; σ_{i+1})) / σ_{i+1}, x_{i+1} = x_i + (σ_{i+1} - σ_i) (d_i + d') / 2.
        torch.Tensor mean = (_derivative! + KarrasMath.ToD(sample, denoised, sigmaNext)) / 2;
        torch.Tensor prev = _sample! + mean * _dt;
        Forget();
        return new SamplerStepResult(prev, denoised);
    }

    private void Forget()
    {
        _derivative?.Dispose();
        _sample?.Dispose();
        (_derivative, _sample, _predictorIndex) = (null, null, -1);
    }
}
