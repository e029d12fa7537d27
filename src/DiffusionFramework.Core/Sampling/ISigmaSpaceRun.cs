namespace DiffusionFramework.Core.Sampling;

/// <summary>A run that steps through noise levels σ (diffusers' <c>scheduler.sigmas</c>).</summary>
internal interface ISigmaSpaceRun : ISamplerRun
{
    /// <summary>diffusers' <c>scheduler.sigmas</c>: σ of every timestep plus the final σ, one more than
    /// <see cref="ISamplerRun.Timesteps"/> (KDPM2: 2N + 2 values for 2N - 1 timesteps, see <see cref="Kdpm2Grid"/>).</summary>
    IReadOnlyList<float> Sigmas { get; }
}
