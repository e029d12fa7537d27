namespace DiffusionFramework.Core.Sampling;

/// <summary>A run that steps through noise levels σ (diffusers' <c>scheduler.sigmas</c>).</summary>
internal interface ISigmaSpaceRun : ISamplerRun
{
    /// <summary>σ of every timestep plus the final σ: one more than <see cref="ISamplerRun.Timesteps"/>.</summary>
    IReadOnlyList<float> Sigmas { get; }
}
