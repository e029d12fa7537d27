using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Networks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Points2d.Network;

/// <summary>
/// A small MLP denoiser for 2-D points: h = SiLU(input_proj(x) + time_embedding(γ(t))), then <c>layers</c> times
/// h = SiLU(hidden[i](h)), and out = output_proj(h); γ is the sinusoidal embedding of <see cref="SinusoidalTimestepEmbedding"/>
/// with diffusers UNet2DModel's settings (flip_sin_to_cos = true, freq_shift = 0).
/// </summary>
/// <remarks>State-dict keys: time_embedding.linear_{1,2}.{weight,bias}, input_proj.*, hidden.{i}.*, output_proj.*.</remarks>
public sealed class MlpDenoiser : nn.Module<Tensor, Tensor, Tensor>, IDenoiser
{
    private const int PointDim = 2;

    private readonly int timeEmbeddingDim;
    private readonly TimestepEmbedding time_embedding;
    private readonly Linear input_proj;
    private readonly ModuleList<Linear> hidden;
    private readonly Linear output_proj;

    /// <summary>Builds the network described by <paramref name="config"/> on <paramref name="device"/>.</summary>
    public MlpDenoiser(Points2dConfig config, Device device) : base(nameof(MlpDenoiser))
    {
        ArgumentNullException.ThrowIfNull(config);
        PredictionType = config.PredictionType;
        timeEmbeddingDim = config.TimeEmbeddingDim;
        time_embedding = new TimestepEmbedding(config.TimeEmbeddingDim, config.Hidden, device);
        input_proj = nn.Linear(PointDim, config.Hidden, device: device);
        hidden = nn.ModuleList(Enumerable.Range(0, config.Layers)
            .Select(_ => nn.Linear(config.Hidden, config.Hidden, device: device)).ToArray());
        output_proj = nn.Linear(config.Hidden, PointDim, device: device);
        RegisterComponents();
    }

    /// <inheritdoc />
    public PredictionType PredictionType { get; }

    /// <inheritdoc />
    public nn.Module Module => this;

    /// <inheritdoc />
    public Tensor Forward(Tensor sample, Tensor timestep, Conditioning conditioning) => forward(sample, timestep);

    /// <summary>Predicts from x_t [B, 2] and timesteps [B] (training units, may be fractional).</summary>
    public override Tensor forward(Tensor sample, Tensor timestep)
    {
        if (sample.dim() != 2 || sample.shape[1] != PointDim)
            throw new ArgumentException($"sample must have shape [B, 2], got [{string.Join(", ", sample.shape)}]",
                nameof(sample));
        if (timestep.dim() != 1 || timestep.shape[0] != sample.shape[0])
            throw new ArgumentException(
                $"timestep must have shape [{sample.shape[0]}], got [{string.Join(", ", timestep.shape)}]", nameof(timestep));
        using var scope = NewDisposeScope();
        Tensor gamma = SinusoidalTimestepEmbedding.Embed(timestep, timeEmbeddingDim, flipSinToCos: true, downscaleFreqShift: 0);
        Tensor h = nn.functional.silu(input_proj.forward(sample) + time_embedding.forward(gamma.to(sample.dtype)));
        foreach (Linear layer in hidden)
            h = nn.functional.silu(layer.forward(h));
        return output_proj.forward(h).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            time_embedding.Dispose();
            input_proj.Dispose();
            hidden.Dispose();
            output_proj.Dispose();
        }
        base.Dispose(disposing);
    }
}
