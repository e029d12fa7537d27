namespace DiffusionFramework.Core.Sampling;

/// <summary>A run that steps through noise levels σ (diffusers' <c>scheduler.sigmas</c>).</summary>
internal interface ISigmaSpaceRun : ISamplerRun
{
    /// <summary>diffusers' <c>scheduler.sigmas</c>: σ of every timestep plus the final σ, one more than
    /// <see cref="ISamplerRun.Timesteps"/> (KDPM2: 2N + 2 values for 2N - 1 timesteps, see <see cref="Kdpm2Grid"/>).</summary>
    IReadOnlyList<float> Sigmas { get; }

    /// <summary>
    /// The level of <see cref="Sigmas"/>[stepIndex]. A run whose x_T has unit standard deviation
    /// (<see cref="ISamplerRun.InitNoiseSigma"/> = 1: DPM-Solver, UniPC, DEIS) carries the variance-preserving sample
    /// x_t = α_t x0 + σ_t ε with α_t = 1/√(σ² + 1), σ_t = σ α_t (diffusers' <c>_sigma_to_alpha_sigma_t</c>); any other
    /// (Euler, Heun, LMS, KDPM2: x_T = σ_max ε) carries x = x0 + σ ε. A run that is neither overrides this.
    /// </summary>
    NoiseLevel ISamplerRun.NoiseLevelAt(int stepIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(stepIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(stepIndex, Sigmas.Count);
        float sigma = Sigmas[stepIndex];
        if (InitNoiseSigma != 1.0)
        {
            return new NoiseLevel(1f, sigma);
        }

        VpNoiseLevel level = VpNoiseLevel.FromSigma(sigma);
        return new NoiseLevel(level.Alpha, level.Sigma);
    }
}
