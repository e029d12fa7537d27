namespace DiffusionFramework.Core.Sampling;

/// <summary>
/// The four <c>algorithm_type</c>s of diffusers' DPM-Solver schedulers: what is integrated (data prediction x0 for
/// DPM-Solver++, noise prediction ε for DPM-Solver) and whether the step solves the diffusion SDE, adding fresh
/// noise (the SDE-DPM-Solver(++) of Lu et al. 2022, arXiv 2211.01095, sec. 5 and appendix) or the ODE.
/// </summary>
/// <param name="DataPrediction">Integrate x0 (DPM-Solver++) rather than ε (DPM-Solver).</param>
/// <param name="Sde">Stochastic: each step draws noise.</param>
internal readonly record struct DpmSolverVariant(bool DataPrediction, bool Sde)
{
    /// <summary>The diffusers name of this variant.</summary>
    public string AlgorithmType => (Sde ? "sde-" : "") + (DataPrediction ? "dpmsolver++" : "dpmsolver");

    /// <summary>Parses <c>algorithm_type</c> ("deis" reads as "dpmsolver++", as diffusers does), or null for an
    /// unknown name.</summary>
    public static DpmSolverVariant? Parse(string algorithmType) => algorithmType switch
    {
        "dpmsolver++" or "deis" => new DpmSolverVariant(true, false),
        "dpmsolver" => new DpmSolverVariant(false, false),
        "sde-dpmsolver++" => new DpmSolverVariant(true, true),
        "sde-dpmsolver" => new DpmSolverVariant(false, true),
        _ => null,
    };
}
