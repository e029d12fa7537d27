using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Schedules;

namespace DiffusionFramework.Core.Sampling;

/// <summary>
/// The solver options of diffusers' <c>DPMSolverMultistepScheduler</c>, read from a scheduler config with its
/// defaults: dpmsolver++, order 2, midpoint, lower_order_final, final σ 0.
/// </summary>
/// <param name="Prediction">What the model predicts.</param>
/// <param name="DataPrediction">True for DPM-Solver++ (integrates the x0 prediction), false for DPM-Solver
/// (integrates the noise prediction).</param>
/// <param name="SolverOrder">1, 2 or 3.</param>
/// <param name="Heun">Second-order rule: Heun's (true) or the midpoint rule (false).</param>
/// <param name="LowerOrderFinal">Use lower orders in the last steps of runs shorter than 15 steps.</param>
/// <param name="EulerAtFinal">Make the last step first order.</param>
/// <param name="FinalSigmaZero">The final σ is 0 (the last step is then always first order).</param>
/// <param name="LearnedVariance">The model also outputs a variance in the second half of its channels.</param>
/// <param name="Thresholding">Dynamic thresholding of x0 (never clipping: diffusers' DPM-Solver has no
/// clip_sample), or null.</param>
internal sealed record DpmSolverSettings(PredictionType Prediction, bool DataPrediction, int SolverOrder, bool Heun,
    bool LowerOrderFinal, bool EulerAtFinal, bool FinalSigmaZero, bool LearnedVariance, SampleLimits? Thresholding)
{
    /// <summary>Reads and checks the solver keys of <paramref name="config"/>.</summary>
    /// <exception cref="ArgumentException">An unsupported or inconsistent value; the message names the key.</exception>
    public static DpmSolverSettings FromConfig(SchedulerConfig config)
    {
        PredictionType prediction = PredictionTypes.Parse(config.PredictionType ?? "epsilon");
        string algorithm = config.AlgorithmType ?? "dpmsolver++";
        bool dataPrediction = algorithm switch
        {
            "dpmsolver++" or "deis" => true,
            "dpmsolver" => false,
            _ => throw new ArgumentException(
                $"DPM-Solver sampler: algorithm_type \"{algorithm}\" is not supported; use \"dpmsolver++\" or \"dpmsolver\"."),
        };
        int order = config.SolverOrder ?? 2;
        if (order is < 1 or > 3)
        {
            throw new ArgumentException($"DPM-Solver sampler: solver_order must be 1, 2 or 3, got {order}.");
        }

        bool finalZero = (config.FinalSigmasType ?? "zero") == "zero";
        if (!dataPrediction && finalZero)
        {
            throw new ArgumentException(
                "DPM-Solver sampler: final_sigmas_type \"zero\" needs algorithm_type \"dpmsolver++\"; set final_sigmas_type to \"sigma_min\".");
        }

        if (config.UseFlowSigmas == true)
        {
            throw new ArgumentException("DPM-Solver sampler: use_flow_sigmas is not supported.");
        }

        return new DpmSolverSettings(prediction, dataPrediction, order, config.SolverType == "heun",
            config.LowerOrderFinal ?? true, config.EulerAtFinal ?? false, finalZero,
            config.VarianceType is "learned" or "learned_range",
            config.Thresholding == true ? SampleLimits.FromConfig(config, false) with { ClipSample = false } : null);
    }
}
