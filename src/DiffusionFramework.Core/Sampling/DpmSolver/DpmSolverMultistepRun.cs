using TorchSharp;

namespace DiffusionFramework.Core.Sampling;

/// <summary>
/// One run of <see cref="DpmSolverMultistepSampler"/>. Holds the converted model outputs of the last
/// <c>solver_order</c> steps; the order of each step is min(solver order, steps taken so far + 1), lowered at the
/// end of short runs (<c>lower_order_final</c>, <c>euler_at_final</c>, final σ = 0) as in diffusers. SDE variants
/// draw one float32 noise tensor per step from the injected <see cref="StepNoise"/>.
/// </summary>
/// <remarks>
/// The model output is converted in the sample's dtype; the sample is then cast to float32 for the update and the
/// result cast back to the converted output's dtype, as in diffusers.
/// </remarks>
internal sealed class DpmSolverMultistepRun(SigmaSchedule grid, DpmSolverSettings settings)
    : VpSolverRun(grid, "DPM-Solver")
{
    private readonly ModelOutputHistory _history = new(settings.SolverOrder);
    private int _warmSteps;

    protected override SamplerStepResult StepCore(torch.Tensor modelOutput, int i, torch.Tensor sample,
        StepNoise noise)
    {
        int n = StepCount;
        bool lowerOrderFinal = i == n - 1 &&
            (settings.EulerAtFinal || (settings.LowerOrderFinal && n < 15) || settings.FinalSigmaZero);
        bool lowerOrderSecond = i == n - 2 && settings.LowerOrderFinal && n < 15;

        torch.Tensor converted = DpmSolverModelOutput.Convert(settings.Target, Level(i), modelOutput, sample);
        _history.Add(converted);
        torch.Tensor x = sample.to(torch.ScalarType.Float32);
        torch.Tensor? z = settings.Variant.Sde ? noise.Draw(x) : null;
        DpmSolverVariant v = settings.Variant;
        torch.Tensor prevSample = MultistepOrder(settings.SolverOrder, _warmSteps, lowerOrderFinal, lowerOrderSecond) switch
        {
            1 => DpmSolverUpdate.FirstOrder(v, Level(i + 1), Level(i), x, _history[^1], z),
            2 => DpmSolverUpdate.SecondOrder(v, settings.Heun, Level(i + 1), Level(i),
                DpmSolverUpdate.StepRatio(Level(i + 1), Level(i), Level(i), Level(i - 1)), x, _history[^1],
                _history[^1], _history[^2], z),
            _ => DpmSolverUpdate.ThirdOrder(v, Level(i + 1), Level(i), Level(i - 1), Level(i - 2), x, _history[^1],
                _history[^2], _history[^3], z),
        };
        _warmSteps = Math.Min(_warmSteps + 1, settings.SolverOrder);

        torch.Tensor? x0 = v.DataPrediction ? converted.alias() : null;
        return new SamplerStepResult(prevSample.to(converted.dtype), x0);
    }

    protected override void Dispose(bool disposing) => _history.Dispose();
}
