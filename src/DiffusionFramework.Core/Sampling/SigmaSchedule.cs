namespace DiffusionFramework.Core.Sampling;

/// <summary>
/// The grid a σ-space sampler walks for one run: a timestep per model call, the noise level σ_i of each timestep
/// plus the final σ (so <c>Sigmas.Length == Timesteps.Length + 1</c>, except KDPM2's, see <see cref="Kdpm2Grid"/>),
/// and the standard deviation of x_T.
/// </summary>
/// <param name="Timesteps">Timesteps handed to the model, in training units (float32 or integer values).</param>
/// <param name="Sigmas">σ_0 &gt; σ_1 &gt; … &gt; σ_final, float32 as in diffusers.</param>
/// <param name="InitNoiseSigma">Standard deviation of the starting noise.</param>
internal sealed record SigmaSchedule(double[] Timesteps, float[] Sigmas, double InitNoiseSigma);
