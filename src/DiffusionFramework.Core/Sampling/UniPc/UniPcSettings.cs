using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Schedules;

namespace DiffusionFramework.Core.Sampling;

/// <summary>The options of diffusers' <c>UniPCMultistepScheduler</c>, read from a scheduler config with its defaults:
/// order 2, bh2, predict_x0, lower_order_final, corrector on at every step.</summary>
/// <param name="Target">What the model output is converted to: x0 (predict_x0, thresholded if asked) or ε.</param>
/// <param name="SolverOrder">p ≥ 1; UniC raises the accuracy to p + 1.</param>
/// <param name="Bh2">B(h) = e^h - 1 (bh2) rather than B(h) = h (bh1).</param>
/// <param name="LowerOrderFinal">Lower the order to the steps left at the end of the run.</param>
/// <param name="DisableCorrector">Step indices whose output is not corrected by the next step.</param>
internal sealed record UniPcSettings(SolverOutputTarget Target, int SolverOrder, bool Bh2, bool LowerOrderFinal,
    IReadOnlySet<int> DisableCorrector)
{
    /// <summary>Reads and checks the UniPC keys of <paramref name="config"/>.</summary>
    /// <exception cref="ArgumentException">An unsupported value; the message names the key.</exception>
    public static UniPcSettings FromConfig(SchedulerConfig config)
    {
        PredictionType prediction = PredictionTypes.Parse(config.PredictionType ?? "epsilon");
        int order = config.SolverOrder ?? 2;
        if (order < 1)
        {
            throw new ArgumentException($"UniPC sampler: solver_order must be at least 1, got {order}.");
        }

        if (config.UseFlowSigmas == true)
        {
            throw new ArgumentException("UniPC sampler: use_flow_sigmas is not supported.");
        }

        bool predictX0 = config.PredictX0 ?? true;
        SampleLimits? thresholding = predictX0 && config.Thresholding == true
            ? SampleLimits.FromConfig(config, false) with { ClipSample = false }
            : null;

        // midpoint, heun and logrho (other solvers' types) read as bh2, as in diffusers.
        return new UniPcSettings(new SolverOutputTarget(prediction, predictX0, false, thresholding), order,
            config.SolverType != "bh1", config.LowerOrderFinal ?? true, (config.DisableCorrector ?? []).ToHashSet());
    }
}
