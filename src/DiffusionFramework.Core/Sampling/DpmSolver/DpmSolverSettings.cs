using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Schedules;

namespace DiffusionFramework.Core.Sampling;

/// <summary>
/// The solver options of diffusers' <c>DPMSolverMultistepScheduler</c> and <c>DPMSolverSinglestepScheduler</c>, read
/// from a scheduler config with their defaults: dpmsolver++, order 2, midpoint, final σ 0, lower_order_final true
/// (multistep) or false (singlestep).
/// </summary>
/// <param name="Target">What the model output is converted to (x0 or ε, thresholding, learned variance).</param>
/// <param name="Variant">DPM-Solver++ or DPM-Solver, ODE or SDE.</param>
/// <param name="SolverOrder">1, 2 or 3.</param>
/// <param name="Heun">Second-order rule: Heun's (true) or the midpoint rule (false).</param>
/// <param name="LowerOrderFinal">Use lower orders in the last steps (multistep: of runs shorter than 15 steps).</param>
/// <param name="EulerAtFinal">Make the last step first order (multistep).</param>
/// <param name="FinalSigmaZero">The final σ is 0 (the last step is then always first order).</param>
internal sealed record DpmSolverSettings(SolverOutputTarget Target, DpmSolverVariant Variant, int SolverOrder,
    bool Heun, bool LowerOrderFinal, bool EulerAtFinal, bool FinalSigmaZero)
{
    /// <summary>Reads and checks the solver keys of <paramref name="config"/>.</summary>
    /// <param name="config">The scheduler config.</param>
    /// <param name="singlestep">Read it as DPMSolverSinglestepScheduler does (no "sde-dpmsolver", no euler_at_final,
    /// lower_order_final false by default).</param>
    /// <exception cref="ArgumentException">An unsupported or inconsistent value; the message names the key.</exception>
    public static DpmSolverSettings FromConfig(SchedulerConfig config, bool singlestep = false)
    {
        string solver = singlestep ? "DPM-Solver singlestep sampler" : "DPM-Solver sampler";
        PredictionType prediction = PredictionTypes.Parse(config.PredictionType ?? "epsilon");
        string algorithm = config.AlgorithmType ?? "dpmsolver++";
        if (DpmSolverVariant.Parse(algorithm) is not { } variant || (singlestep && variant is { Sde: true, DataPrediction: false }))
        {
            throw new ArgumentException(
                $"{solver}: algorithm_type \"{algorithm}\" is not supported; use \"dpmsolver++\", \"sde-dpmsolver++\"" +
                (singlestep ? " or \"dpmsolver\"." : ", \"dpmsolver\" or \"sde-dpmsolver\"."));
        }

        int order = config.SolverOrder ?? 2;
        if (order is < 1 or > 3)
        {
            throw new ArgumentException($"{solver}: solver_order must be 1, 2 or 3, got {order}.");
        }

        if (variant is { Sde: true, DataPrediction: false } && order == 3)
        {
            throw new ArgumentException(
                $"{solver}: solver_order 3 is not defined for algorithm_type \"sde-dpmsolver\"; use order 1 or 2.");
        }

        bool finalZero = (config.FinalSigmasType ?? "zero") == "zero";
        if (!variant.DataPrediction && finalZero)
        {
            throw new ArgumentException(
                $"{solver}: final_sigmas_type \"zero\" needs algorithm_type \"dpmsolver++\" or \"sde-dpmsolver++\"; set final_sigmas_type to \"sigma_min\".");
        }

        if (config.UseFlowSigmas == true)
        {
            throw new ArgumentException($"{solver}: use_flow_sigmas is not supported.");
        }

        var target = new SolverOutputTarget(prediction, variant.DataPrediction,
            config.VarianceType is "learned" or "learned_range",
            config.Thresholding == true ? SampleLimits.FromConfig(config, false) with { ClipSample = false } : null);
        return new DpmSolverSettings(target, variant, order, config.SolverType == "heun",
            config.LowerOrderFinal ?? !singlestep, !singlestep && (config.EulerAtFinal ?? false), finalZero);
    }
}
