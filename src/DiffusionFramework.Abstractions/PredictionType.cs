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
}
