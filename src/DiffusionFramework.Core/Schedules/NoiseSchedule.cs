using System.Collections.ObjectModel;
using TorchSharp;

namespace DiffusionFramework.Core.Schedules;

/// <summary>
/// The discrete forward process of a DDPM (Ho et al. 2020, arXiv 2006.11239): betas β_t, alphas α_t = 1 - β_t and
/// alphā_t = Π α_s for t = 0 .. <see cref="NumTrainTimesteps"/>-1, all float32 exactly as diffusers computes them.
/// Immutable.
/// </summary>
/// <remarks>
/// alphas = float32(1 - betas); alphas_cumprod = float32 of a cumulative product accumulated in double (what torch's
/// CPU cumprod does). With <c>rescale_betas_zero_snr</c>, alphā at the last timestep is exactly 0; samplers in
/// sigma space (Euler, DPM-Solver) replace it by 2^-24 themselves, as diffusers does.
/// </remarks>
public sealed class NoiseSchedule
{
    private readonly float[] _betas;
    private readonly float[] _alphas;
    private readonly float[] _alphasCumprod;

    private NoiseSchedule(float[] betas)
    {
        _betas = betas;
        _alphas = TorchFloat32.OneMinus(betas);
        _alphasCumprod = TorchFloat32.Cumprod(_alphas);
        Betas = Array.AsReadOnly(_betas);
        Alphas = Array.AsReadOnly(_alphas);
        AlphasCumprod = Array.AsReadOnly(_alphasCumprod);
    }

    /// <summary>Number of training timesteps T.</summary>
    public int NumTrainTimesteps => _betas.Length;

    /// <summary>β_t (float32).</summary>
    public ReadOnlyCollection<float> Betas { get; }

    /// <summary>α_t = 1 - β_t (float32).</summary>
    public ReadOnlyCollection<float> Alphas { get; }

    /// <summary>alphā_t = Π_{s ≤ t} α_s (float32).</summary>
    public ReadOnlyCollection<float> AlphasCumprod { get; }

    /// <summary>
    /// Builds the schedule from diffusers keys: <c>trained_betas</c>, or <c>beta_schedule</c> (default linear) with
    /// <c>beta_start</c> (0.0001), <c>beta_end</c> (0.02) and <c>num_train_timesteps</c> (1000); then
    /// <c>rescale_betas_zero_snr</c>.
    /// </summary>
    /// <exception cref="ArgumentException">num_train_timesteps &lt; 1, or betas outside [0, 1].</exception>
    public static NoiseSchedule FromConfig(SchedulerConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        float[] betas = config.TrainedBetas is { } trained
            ? trained.Select(b => (float)b).ToArray()
            : Schedule(config);
        if (config.RescaleBetasZeroSnr == true)
        {
            betas = BetaSchedules.RescaleZeroTerminalSnr(betas);
        }

        return FromBetas(betas);
    }

    /// <summary>Builds the schedule from explicit float32 betas.</summary>
    /// <exception cref="ArgumentException">Empty, or a beta that is not finite or outside [0, 1].</exception>
    public static NoiseSchedule FromBetas(IReadOnlyList<float> betas)
    {
        ArgumentNullException.ThrowIfNull(betas);
        if (betas.Count == 0)
        {
            throw new ArgumentException("noise schedule: there are no betas.", nameof(betas));
        }

        for (int i = 0; i < betas.Count; i++)
        {
            if (!(betas[i] >= 0f && betas[i] <= 1f))
            {
                throw new ArgumentException($"noise schedule: beta[{i}] = {betas[i]} is not in [0, 1].", nameof(betas));
            }
        }

        return new NoiseSchedule(betas.ToArray());
    }

    /// <summary>alphā as a float32 tensor on <paramref name="device"/>, converted to <paramref name="dtype"/>
    /// (a float32 → float64 conversion is exact, as diffusers' <c>alphas_cumprod.to(sample.dtype)</c>).</summary>
    public torch.Tensor AlphasCumprodTensor(torch.Device device, torch.ScalarType dtype = torch.ScalarType.Float32)
    {
        using var float32 = torch.tensor(_alphasCumprod, device: device);
        return float32.to(dtype);
    }

    private static float[] Schedule(SchedulerConfig config)
    {
        int n = config.NumTrainTimesteps ?? 1000;
        if (n < 1)
        {
            throw new ArgumentException($"scheduler config: num_train_timesteps must be at least 1, got {n}.",
                nameof(config));
        }

        double start = config.BetaStart ?? 0.0001;
        double end = config.BetaEnd ?? 0.02;
        return (config.BetaSchedule ?? "linear") switch
        {
            "linear" => BetaSchedules.Linear(start, end, n),
            "scaled_linear" => BetaSchedules.ScaledLinear(start, end, n),
            "squaredcos_cap_v2" => BetaSchedules.SquaredCosCapV2(n),
            "sigmoid" => BetaSchedules.Sigmoid(start, end, n),
            "laplace" => BetaSchedules.Laplace(n),
            "exp" => BetaSchedules.Exponential(n),
            var other => throw new ArgumentException($"scheduler config: unknown beta_schedule \"{other}\".", nameof(config)),
        };
    }
}
