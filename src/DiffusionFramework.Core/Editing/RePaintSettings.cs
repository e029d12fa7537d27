namespace DiffusionFramework.Core.Editing;

/// <summary>
/// RePaint's resampling schedule (Lugmayr et al. 2022, arXiv 2201.09865, sec. 4.2 "Resampling" and Appendix B):
/// every <see cref="JumpLength"/> steps the sample goes back up <see cref="JumpLength"/> noise levels with the forward
/// process and is denoised again, <see cref="ResampleCount"/> - 1 extra times. diffusers' names: <c>jump_length</c>,
/// <c>jump_n_sample</c>; the paper's: j and r. The defaults are the paper's (j = 10, r = 10).
/// </summary>
/// <param name="JumpLength">j: noise levels (sampler steps) per jump back, ≥ 1.</param>
/// <param name="ResampleCount">r: times each stretch is denoised, ≥ 1; 1 is plain known-region replacement.</param>
public sealed record RePaintSettings(int JumpLength = 10, int ResampleCount = 10)
{
    /// <summary>Throws unless both numbers are at least 1.</summary>
    /// <exception cref="ArgumentException">The message names the bad setting.</exception>
    public void Validate()
    {
        if (JumpLength < 1 || ResampleCount < 1)
        {
            throw new ArgumentException(
                $"RePaint jump length and resample count must be at least 1, got {JumpLength} and {ResampleCount}.");
        }
    }
}
