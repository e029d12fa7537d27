namespace DiffusionFramework.Core.Sampling;

/// <summary>Where the σ after the last step of a VP solver's grid comes from; diffusers' schedulers differ.</summary>
internal enum VpFinalSigma
{
    /// <summary><c>final_sigmas_type</c>: 0 ("zero", the default) or σ of the first training timestep ("sigma_min").
    /// DPM-Solver multistep and singlestep.</summary>
    ZeroOrTrainingMin,

    /// <summary><c>final_sigmas_type</c>: 0 ("zero", the default), or for "sigma_min" the last respaced σ when Karras
    /// or exponential σ are on and σ of the first training timestep otherwise. UniPC.</summary>
    ZeroOrLastRespaced,

    /// <summary>No key: the last respaced σ again when Karras or exponential σ are on, else σ of the first training
    /// timestep. DEIS.</summary>
    LastRespacedOrTrainingMin,
}

/// <summary>How one of diffusers' VP-schedule solvers lays out its timesteps and noise levels in
/// <c>set_timesteps</c> (see <see cref="VpSigmaGrid"/>).</summary>
/// <param name="Solver">The sampler's name, for error messages.</param>
/// <param name="TimestepSpacing">Honour <c>timestep_spacing</c> (default linspace); false: always linspace.</param>
/// <param name="LambdaClip">Honour <c>lambda_min_clipped</c>.</param>
/// <param name="RoundCosineKarras">Round Karras timesteps of the squaredcos_cap_v2 schedule too; DPM-Solver
/// multistep truncates them.</param>
/// <param name="LuLambdas">Honour <c>use_lu_lambdas</c>.</param>
/// <param name="Final">The final σ.</param>
internal sealed record VpGridRules(string Solver, bool TimestepSpacing, bool LambdaClip, bool RoundCosineKarras,
    bool LuLambdas, VpFinalSigma Final)
{
    /// <summary>DPMSolverMultistepScheduler.</summary>
    public static VpGridRules DpmSolverMultistep { get; } =
        new("DPM-Solver sampler", true, true, false, true, VpFinalSigma.ZeroOrTrainingMin);

    /// <summary>DPMSolverSinglestepScheduler: linspace only, below the λ clip.</summary>
    public static VpGridRules DpmSolverSinglestep { get; } =
        new("DPM-Solver singlestep sampler", false, true, true, false, VpFinalSigma.ZeroOrTrainingMin);

    /// <summary>UniPCMultistepScheduler.</summary>
    public static VpGridRules UniPc { get; } =
        new("UniPC sampler", true, false, true, false, VpFinalSigma.ZeroOrLastRespaced);

    /// <summary>DEISMultistepScheduler.</summary>
    public static VpGridRules Deis { get; } =
        new("DEIS sampler", true, false, true, false, VpFinalSigma.LastRespacedOrTrainingMin);
}
