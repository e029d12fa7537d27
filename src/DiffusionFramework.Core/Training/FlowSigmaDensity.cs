namespace DiffusionFramework.Core.Training;

/// <summary>
/// The density u is drawn from when a flow-matching model's training noise level is picked (index ⌊u·T⌋ into the
/// scheduler's training levels); diffusers' <c>weighting_scheme</c> of <c>compute_density_for_timestep_sampling</c>.
/// </summary>
public enum FlowSigmaDensity
{
    /// <summary>u ~ U(0, 1): every training level equally often (diffusers' "none"/uniform).</summary>
    Uniform,

    /// <summary>u = sigmoid(z), z ~ N(<see cref="TrainerOptions.FlowLogitMean"/>, <see cref="TrainerOptions.FlowLogitStd"/>²):
    /// the logit-normal sampling of Esser et al. 2024 (arXiv 2403.03206, sec. 3.1, eq. 19), which favours middle
    /// levels.</summary>
    LogitNormal,
}
