using TorchSharp;

namespace DiffusionFramework.Core.Sampling;

/// <summary>
/// One run of <see cref="UniPcMultistepSampler"/>. Each step (diffusers' <c>step</c>): (1) convert the model output
/// at x_t; (2) unless the previous step index is in <c>disable_corrector</c>, correct x_t with UniC of the previous
/// order using this output (Zhao et al. 2023, arXiv 2302.04867, Algorithm 3); (3) predict the next sample from the
/// corrected x_t with UniP of order min(solver order, steps left (lower_order_final), steps so far + 1)
/// (Algorithm 2). The corrected x_t is not returned: it only feeds the predictor, so the model never sees it.
/// </summary>
/// <remarks>The sample keeps its dtype; the weights of the differences are solved in float32 and applied in the
/// sample's dtype, as in diffusers.</remarks>
internal sealed class UniPcMultistepRun(SigmaSchedule grid, UniPcSettings settings) : VpSolverRun(grid, "UniPC")
{
    private readonly ModelOutputHistory _history = new(settings.SolverOrder);
    private torch.Tensor? _lastSample;
    private int _lastOrder;
    private int _warmSteps;

    protected override SamplerStepResult StepCore(torch.Tensor modelOutput, int i, torch.Tensor sample,
        StepNoise noise)
    {
        torch.Tensor converted = DpmSolverModelOutput.Convert(settings.Target, Level(i), modelOutput, sample);
        if (_lastSample is not null && i > 0 && !settings.DisableCorrector.Contains(i - 1))
        {
            sample = Update(i - 1, i, _lastOrder, _lastSample, converted);
        }

        _history.Add(converted);
        int order = settings.LowerOrderFinal ? Math.Min(settings.SolverOrder, StepCount - i) : settings.SolverOrder;
        _lastOrder = Math.Min(order, _warmSteps + 1);
        ModelOutputHistory.Replace(ref _lastSample, sample);
        torch.Tensor prevSample = Update(i, i + 1, _lastOrder, sample, null);
        _warmSteps = Math.Min(_warmSteps + 1, settings.SolverOrder);
        return new SamplerStepResult(prevSample, settings.Target.DataPrediction ? converted.alias() : null);
    }

    protected override void Dispose(bool disposing)
    {
        _history.Dispose();
        ModelOutputHistory.Replace(ref _lastSample, null);
    }

    /// <summary>
    /// UniP (<paramref name="modelT"/> null) or UniC of order p from grid entry s to t: x_t = ratio·x - φ·m0 -
    /// B·(Σ_k a_k D_k [+ a_p (m_t - m0)]), D_k = (m_k - m0)/r_k, with m0 the newest held output (at s) and m_k the
    /// k-th older one.
    /// </summary>
    private torch.Tensor Update(int s, int t, int p, torch.Tensor x, torch.Tensor? modelT)
    {
        VpNoiseLevel[] earlier = [.. Enumerable.Range(1, p - 1).Select(k => Level(s - k))];
        var c = UniPcCoefficients.Of(settings.Target.DataPrediction, settings.Bh2, Level(t), Level(s), earlier);
        torch.Tensor m0 = _history[^1];
        torch.Tensor partial = x * c.Ratio - m0 * c.Phi1Scale;
        double[] weights = modelT is null ? c.PredictorWeights() : c.CorrectorWeights();
        torch.Tensor? residual = null;
        for (int k = 0; k < c.Rks.Length && k < weights.Length; k++)
        {
            torch.Tensor term = (_history[^(k + 2)] - m0) / c.Rks[k] * weights[k];
            residual = residual is null ? term : residual + term;
        }

        if (modelT is not null)
        {
            torch.Tensor current = (modelT - m0) * weights[^1];
            residual = residual is null ? current : residual + current;
        }

        return (residual is null ? partial : partial - residual * c.BScale).to(x.dtype);
    }
}
