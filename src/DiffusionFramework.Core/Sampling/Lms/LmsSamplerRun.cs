using DiffusionFramework.Abstractions;
using TorchSharp;

namespace DiffusionFramework.Core.Sampling;

/// <summary>
/// One run of <see cref="LmsSampler"/>: d_i = (x_i - D(x_i; σ_i)) / σ_i, then x_{i+1} = x_i + Σ_j c_j d_{i-j} with
/// the <see cref="LmsCoefficients"/> of order min(i + 1, order). The last <c>order</c> derivatives are kept.
/// </summary>
/// <remarks>
/// As in diffusers, the update runs at the sample's precision (no float32 cast), the sum is accumulated from the
/// newest derivative to the oldest and then added to x_i, and a run started at step i &gt; 0 (img2img) uses the
/// weights of order min(i + 1, order) for the derivatives it has. Steps must be taken in order.
/// </remarks>
internal sealed class LmsSamplerRun(SigmaSchedule grid, PredictionType prediction, int maxOrder)
    : SigmaGridRun(grid, prediction, order: 1)
{
    private readonly List<torch.Tensor> _derivatives = [];
    private int? _nextStep;

    public override void Dispose()
    {
        foreach (torch.Tensor derivative in _derivatives)
        {
            derivative.Dispose();
        }

        _derivatives.Clear();
    }

    protected override SamplerStepResult StepCore(torch.Tensor modelOutput, int stepIndex, torch.Tensor sample,
        StepNoise noise)
    {
        SamplerGuards.RequireNextStep("LMS", _nextStep, stepIndex);

        // 1. Denoised D(x; σ_i) and the derivative d_i, remembered with the previous order - 1.
        float sigma = Grid.Sigmas[stepIndex];
        torch.Tensor denoised = KarrasMath.Denoised(Prediction, modelOutput, sample, sigma);
        _derivatives.Add(Keep(KarrasMath.ToD(sample, denoised, sigma)));
        if (_derivatives.Count > maxOrder)
        {
            _derivatives[0].Dispose();
            _derivatives.RemoveAt(0);
        }

        // 2. Weights of the multistep formula and x_{i+1} = x_i + Σ_j c_j d_{i-j}.
        double[] coefficients = LmsCoefficients.Compute(Grid.Sigmas, stepIndex, Math.Min(stepIndex + 1, maxOrder));
        int terms = Math.Min(coefficients.Length, _derivatives.Count);
        torch.Tensor increment = _derivatives[^1] * coefficients[0];
        for (int j = 1; j < terms; j++)
        {
            increment = increment + _derivatives[^(j + 1)] * coefficients[j];
        }

        _nextStep = stepIndex + 1;
        return new SamplerStepResult(sample + increment, denoised);
    }
}
