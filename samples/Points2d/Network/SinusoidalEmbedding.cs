using TorchSharp;
using static TorchSharp.torch;

namespace Points2d.Network;

/// <summary>
/// Sinusoidal timestep embedding of DDPM (Ho et al. 2020, arXiv:2006.11239, after Vaswani et al. 2017 §3.5), in the
/// form of diffusers' <c>get_timestep_embedding</c>.
/// </summary>
/// <remarks>
/// With h = ⌊dim/2⌋ and frequencies ω_i = exp(−ln(maxPeriod) · i / (h − shift)), i = 0 … h−1, the embedding of t is
/// [sin(scale·t·ω), cos(scale·t·ω)] ([cos, sin] when <c>flipSinToCos</c>), zero-padded to <c>dim</c> when dim is odd.
/// </remarks>
public static class SinusoidalEmbedding
{
    /// <summary>Embeds timesteps [B] (may be fractional) into [B, dim] float32 on the timesteps' device.</summary>
    /// <param name="timesteps">Timesteps, shape [B].</param>
    /// <param name="dim">Embedding size, at least 2.</param>
    /// <param name="flipSinToCos">Put the cosines first (diffusers <c>flip_sin_to_cos</c>).</param>
    /// <param name="downscaleFreqShift">diffusers <c>downscale_freq_shift</c>: 1 in DDPM, 0 in UNet2DModel.</param>
    /// <param name="scale">Multiplies the arguments.</param>
    /// <param name="maxPeriod">The longest period, 10 000 as in the Transformer.</param>
    public static Tensor Embed(Tensor timesteps, int dim, bool flipSinToCos = false, double downscaleFreqShift = 1,
        double scale = 1, double maxPeriod = 10_000)
    {
        if (timesteps.dim() != 1)
            throw new ArgumentException($"timesteps must be 1-D, got shape [{string.Join(", ", timesteps.shape)}]",
                nameof(timesteps));
        int half = dim / 2;
        if (dim < 2 || half - downscaleFreqShift <= 0)
            throw new ArgumentOutOfRangeException(nameof(dim), dim, "too small for this frequency shift");
        using var scope = NewDisposeScope();
        Tensor exponent = arange(half, dtype: float32, device: timesteps.device) * (-Math.Log(maxPeriod));
        Tensor frequencies = exp(exponent / (half - downscaleFreqShift));
        Tensor args = timesteps.to(float32).unsqueeze(1) * frequencies.unsqueeze(0) * scale;
        Tensor embedding = flipSinToCos ? cat([cos(args), sin(args)], 1) : cat([sin(args), cos(args)], 1);
        if (dim % 2 == 1)
            embedding = nn.functional.pad(embedding, [0, 1, 0, 0]);
        return embedding.MoveToOuterDisposeScope();
    }
}
