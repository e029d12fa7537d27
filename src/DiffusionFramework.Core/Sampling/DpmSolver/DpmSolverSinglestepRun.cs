using TorchSharp;

namespace DiffusionFramework.Core.Sampling;

/// <summary>
/// One run of <see cref="DpmSolverSinglestepSampler"/>. Steps follow <see cref="SinglestepOrders"/>: a first-order
/// step keeps its input sample as the start x_s of a singlestep solver step; a k-th step of the group goes from that
/// x_s straight to the next level, using the k model outputs taken inside the group as its intermediate evaluations
/// (Lu et al. 2022, arXiv 2206.00927, Algorithms 1-2; DPM-Solver++, arXiv 2211.01095, Algorithm 1).
/// </summary>
/// <remarks>
/// As in diffusers the sample keeps its dtype (no float32 cast); SDE-DPM-Solver++ draws one noise tensor per step,
/// in the model output's dtype.
/// </remarks>
internal sealed class DpmSolverSinglestepRun(SigmaSchedule grid, DpmSolverSettings settings, int[] orders)
    : VpSolverRun(grid, "DPM-Solver singlestep")
{
    private readonly ModelOutputHistory _history = new(settings.SolverOrder);
    private torch.Tensor? _groupStart;

    protected override SamplerStepResult StepCore(torch.Tensor modelOutput, int i, torch.Tensor sample,
        StepNoise noise)
    {
        torch.Tensor converted = DpmSolverModelOutput.Convert(settings.Target, Level(i), modelOutput, sample);
        _history.Add(converted);
        DpmSolverVariant v = settings.Variant;
        torch.Tensor? z = v.Sde ? noise.Draw(converted) : null;

        // A run that starts inside a group (img2img) lowers the order to the outputs it has.
        int order = Math.Min(orders[i], _history.Count);
        if (order == 1)
        {
            ModelOutputHistory.Replace(ref _groupStart, sample);
        }

        torch.Tensor x = _groupStart!;
        VpNoiseLevel t = Level(i + 1);
        torch.Tensor prevSample = order switch
        {
            1 => DpmSolverUpdate.FirstOrder(v, t, Level(i), x, _history[^1], z),
            2 => DpmSolverUpdate.SecondOrder(v, settings.Heun, t, Level(i - 1),
                DpmSolverUpdate.StepRatio(t, Level(i - 1), Level(i), Level(i - 1)), x, _history[^2], _history[^1],
                _history[^2], z),
            _ => ThirdOrder(v, settings.Heun, t, Level(i), Level(i - 1), Level(i - 2), x, _history[^1], _history[^2],
                _history[^3], z),
        };

        torch.Tensor? x0 = v.DataPrediction ? converted.alias() : null;
        return new SamplerStepResult(prevSample, x0);
    }

    protected override void Dispose(bool disposing)
    {
        _history.Dispose();
        ModelOutputHistory.Replace(ref _groupStart, null);
    }

    /// <summary>
    /// Third-order singlestep update from s2 (the group start) with the outputs m2 (at s2), m1 (s1), m0 (s0):
    /// r0 = (λ_s0 - λ_s2)/h, r1 = (λ_s1 - λ_s2)/h, D1_0 = (m1 - m2)/r1, D1_1 = (m0 - m2)/r0; the midpoint rule uses
    /// φ2·D1_1, Heun's rule φ2·D1 - φ3·D2 with D1 = (r0 D1_0 - r1 D1_1)/(r0 - r1), D2 = 2 (D1_1 - D1_0)/(r0 - r1).
    /// </summary>
    private static torch.Tensor ThirdOrder(DpmSolverVariant variant, bool heun, VpNoiseLevel t, VpNoiseLevel s0,
        VpNoiseLevel s1, VpNoiseLevel s2, torch.Tensor x, torch.Tensor m0, torch.Tensor m1, torch.Tensor m2,
        torch.Tensor? noise)
    {
        var phi = DpmSolverPhi.Of(variant, t, s2);
        float r0 = (s0.Lambda - s2.Lambda) / phi.H;
        float r1 = (s1.Lambda - s2.Lambda) / phi.H;
        torch.Tensor d10 = (m1 - m2) * (1f / r1);
        torch.Tensor d11 = (m0 - m2) * (1f / r0);
        torch.Tensor partial = x * phi.Ratio - m2 * phi.Phi1;
        if (!heun)
        {
            return DpmSolverUpdate.WithNoise(partial + d11 * phi.Phi2, phi, noise);
        }

        torch.Tensor d1 = (d10 * r0 - d11 * r1) / (r0 - r1);
        torch.Tensor d2 = (d11 - d10) * 2.0 / (r0 - r1);
        return DpmSolverUpdate.WithNoise(partial + d1 * phi.Phi2 - d2 * phi.Phi3, phi, noise);
    }
}
