using TorchSharp;

namespace DiffusionFramework.Core.Sampling;

/// <summary>
/// One run of <see cref="DeisMultistepSampler"/>: the model output is converted to x0 (thresholded if asked) and back
/// to ε = (x - α_t x0)/σ_t, as diffusers does, and stepped with the log-ρ multistep update of the current order
/// (min(solver order, steps so far + 1), lowered in the last steps of runs shorter than 15 steps under
/// <c>lower_order_final</c>).
/// </summary>
internal sealed class DeisMultistepRun(SigmaSchedule grid, SolverOutputTarget target, int solverOrder,
    bool lowerOrderFinal) : VpSolverRun(grid, "DEIS")
{
    private readonly ModelOutputHistory _history = new(solverOrder);
    private int _warmSteps;

    protected override SamplerStepResult StepCore(torch.Tensor modelOutput, int i, torch.Tensor sample,
        StepNoise noise)
    {
        int n = StepCount;
        bool lowerFinal = i == n - 1 && lowerOrderFinal && n < 15;
        bool lowerSecond = i == n - 2 && lowerOrderFinal && n < 15;

        VpNoiseLevel s0 = Level(i);
        torch.Tensor x0 = DpmSolverModelOutput.Convert(target, s0, modelOutput, sample);
        _history.Add((sample - x0 * s0.Alpha) / s0.Sigma);

        VpNoiseLevel t = Level(i + 1);
        torch.Tensor prevSample = MultistepOrder(solverOrder, _warmSteps, lowerFinal, lowerSecond) switch
        {
            1 => DpmSolverUpdate.FirstOrder(new DpmSolverVariant(false, false), t, s0, sample, _history[^1], null),
            2 => DeisLogRhoUpdate.SecondOrder(t, s0, Level(i - 1), sample, _history[^1], _history[^2]),
            _ => DeisLogRhoUpdate.ThirdOrder(t, s0, Level(i - 1), Level(i - 2), sample, _history[^1], _history[^2],
                _history[^3]),
        };
        _warmSteps = Math.Min(_warmSteps + 1, solverOrder);
        return new SamplerStepResult(prevSample, x0);
    }

    protected override void Dispose(bool disposing) => _history.Dispose();
}
