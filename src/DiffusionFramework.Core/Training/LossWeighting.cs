namespace DiffusionFramework.Core.Training;

/// <summary>How the per-sample denoising losses of a batch are weighted by timestep.</summary>
public enum LossWeighting
{
    /// <summary>Every timestep counts the same: the "simple" loss of DDPM (Ho et al. 2020, arXiv 2006.11239, eq. 14).</summary>
    Uniform,

    /// <summary>Min-SNR-γ (Hang et al. 2023, arXiv 2303.09556, §3.4), as diffusers' training scripts compute it.</summary>
    MinSnr,
}
