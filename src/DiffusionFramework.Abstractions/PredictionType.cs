namespace DiffusionFramework.Abstractions;

/// <summary>What a denoiser predicts from (x_t, t); diffusers' <c>prediction_type</c>.</summary>
public enum PredictionType
{
    /// <summary>The noise eps that was added (<c>"epsilon"</c>).</summary>
    Epsilon,

    /// <summary>v = sqrt(abar_t) eps - sqrt(1 - abar_t) x0, Salimans and Ho 2022 (<c>"v_prediction"</c>).</summary>
    VPrediction,

    /// <summary>The clean sample x0 itself (<c>"sample"</c>).</summary>
    Sample,

    /// <summary>
    /// The velocity v = ε - x0 of the rectified-flow path x_σ = (1 - σ) x0 + σ ε, σ in [0, 1], with the network
    /// called at t = σ · num_train_timesteps (<c>"flow_prediction"</c>; flow matching, Lipman et al. 2022,
    /// arXiv 2210.02747; rectified flow, Liu et al. 2022, arXiv 2209.03003; Esser et al. 2024, arXiv 2403.03206).
    /// Added in contract 1.2.
    /// </summary>
    Flow,
}
