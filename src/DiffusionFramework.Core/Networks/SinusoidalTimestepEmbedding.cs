using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionFramework.Core.Networks;

/// <summary>
/// Sinusoidal timestep embedding of DDPM (Ho et al. 2020, arXiv:2006.11239, after Vaswani et al. 2017 §3.5), in the
/// form of diffusers' <c>get_timestep_embedding</c>; the module is diffusers' parameter-free <c>Timesteps</c>.
/// </summary>
/// <remarks>
/// With h = ⌊dim/2⌋ and frequencies ω_i = exp(−ln(maxPeriod) · i / (h − shift)), i = 0 … h−1, the embedding of t is
/// [sin(scale·t·ω), cos(scale·t·ω)] ([cos, sin] when <c>flipSinToCos</c>), zero-padded to <c>dim</c> when dim is odd.
/// </remarks>
public sealed class SinusoidalTimestepEmbedding : nn.Module<Tensor, Tensor>
{
    private readonly int dim;
    private readonly bool flipSinToCos;
    private readonly double downscaleFreqShift;
    private readonly double scale;
    private readonly double maxPeriod;

    /// <summary>Fixes the embedding's settings (see <see cref="Embed"/>).</summary>
    public SinusoidalTimestepEmbedding(int dim, bool flipSinToCos = true, double downscaleFreqShift = 0, double scale = 1,
        double maxPeriod = 10_000) : base(nameof(SinusoidalTimestepEmbedding))
    {
        CheckDim(dim, downscaleFreqShift);
        (this.dim, this.flipSinToCos, this.downscaleFreqShift, this.scale, this.maxPeriod) =
            (dim, flipSinToCos, downscaleFreqShift, scale, maxPeriod);
    }

    /// <summary>Size of the embedding.</summary>
    public int Dim => dim;

    /// <inheritdoc />
    public override Tensor forward(Tensor timesteps) =>
        Embed(timesteps, dim, flipSinToCos, downscaleFreqShift, scale, maxPeriod);

    /// <summary>Embeds timesteps [B] (may be fractional) into [B, dim] float32 on the timesteps' device.</summary>
    /// <param name="timesteps">Timesteps, shape [B], any real or integer dtype.</param>
    /// <param name="dim">Embedding size, at least 2.</param>
    /// <param name="flipSinToCos">Put the cosines first (diffusers <c>flip_sin_to_cos</c>).</param>
    /// <param name="downscaleFreqShift">diffusers <c>downscale_freq_shift</c>: 1 in DDPM, 0 in UNet2DModel.</param>
    /// <param name="scale">Multiplies the arguments.</param>
    /// <param name="maxPeriod">The longest period, 10 000 as in the Transformer.</param>
    public static Tensor Embed(Tensor timesteps, int dim, bool flipSinToCos = false, double downscaleFreqShift = 1,
        double scale = 1, double maxPeriod = 10_000)
    {
        ArgumentNullException.ThrowIfNull(timesteps);
        if (timesteps.dim() != 1)
            throw new ArgumentException($"timesteps must be 1-D, got shape [{string.Join(", ", timesteps.shape)}]",
                nameof(timesteps));
        CheckDim(dim, downscaleFreqShift);
        int half = dim / 2;
        using var scope = NewDisposeScope();
        Tensor exponent = arange(half, dtype: float32, device: timesteps.device) * (-Math.Log(maxPeriod));
        Tensor frequencies = exp(exponent / (half - downscaleFreqShift));
        Tensor args = timesteps.to(float32).unsqueeze(1) * frequencies.unsqueeze(0) * scale;
        Tensor embedding = flipSinToCos ? cat([cos(args), sin(args)], 1) : cat([sin(args), cos(args)], 1);
        if (dim % 2 == 1)
            embedding = nn.functional.pad(embedding, [0, 1, 0, 0]);
        return embedding.MoveToOuterDisposeScope();
    }

    private static void CheckDim(int dim, double downscaleFreqShift)
    {
        if (dim < 2 || dim / 2 - downscaleFreqShift <= 0)
            throw new ArgumentOutOfRangeException(nameof(dim), dim,
                $"the embedding size must be at least 2 and exceed twice the frequency shift ({downscaleFreqShift})");
    }
}
