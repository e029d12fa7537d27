using DiffusionFramework.Abstractions;
using TorchSharp;

namespace DiffusionFramework.Core.Sampling;

/// <summary>
/// One run of <see cref="Kdpm2Sampler"/>. Even step indices go from x_i at σ_i to the midpoint σ̂_{i+1}:
/// x̂ = x_i + (σ̂ - σ_i) d_i; odd ones evaluate the model at σ̂ and restart from x_i:
/// x_{i+1} = x_i + (σ_{i+1} - σ_i) d̂, with d̂ = (x̂ - D(x̂; σ̂)) / σ̂. x_i is kept in between.
/// </summary>
/// <remarks>As in diffusers, the update runs at the sample's precision (no float32 cast); σ, σ̂ and Δσ are
/// float32. The model input of an odd step is scaled with σ̂.</remarks>
internal sealed class Kdpm2SamplerRun(SigmaSchedule grid, float[] midpoints, PredictionType prediction)
    : SigmaGridRun(grid, prediction, order: 2)
{
    private torch.Tensor? _sample;
    private int _firstHalfIndex = -1;

    public override void Dispose() => Forget();

    protected override float InputSigma(int stepIndex) =>
        stepIndex % 2 == 0 ? Grid.Sigmas[stepIndex] : midpoints[stepIndex];

    protected override SamplerStepResult StepCore(torch.Tensor modelOutput, int stepIndex, torch.Tensor sample,
        StepNoise noise)
    {
        bool firstHalf = stepIndex % 2 == 0;
        if (!firstHalf && _firstHalfIndex != stepIndex - 1)
        {
            throw new InvalidOperationException(
                $"KDPM2 run: step {stepIndex} completes step {stepIndex - 1}, which was not taken just before it.");
        }

        int i = firstHalf ? stepIndex : stepIndex - 1;
        float sigma = Grid.Sigmas[i];
        float sigmaMid = midpoints[i + 1];
        if (firstHalf)
        {
            // 1. Euler half step from σ_i to the midpoint σ̂.
            torch.Tensor denoised = KarrasMath.Denoised(Prediction, modelOutput, sample, sigma);
            Forget();
            _sample = Keep(sample);
            _firstHalfIndex = stepIndex;
            return new SamplerStepResult(sample + KarrasMath.ToD(sample, denoised, sigma) * (sigmaMid - sigma), denoised);
        }

        // 2. Full step from x_i to σ_{i+1} with the slope at the midpoint.
        torch.Tensor midDenoised = KarrasMath.Denoised(Prediction, modelOutput, sample, sigmaMid);
        torch.Tensor midDerivative = KarrasMath.ToD(sample, midDenoised, sigmaMid);
        torch.Tensor prev = _sample! + midDerivative * (Grid.Sigmas[i + 1] - sigma);
        Forget();
        return new SamplerStepResult(prev, midDenoised);
    }

    private void Forget()
    {
        _sample?.Dispose();
        (_sample, _firstHalfIndex) = (null, -1);
    }
}
