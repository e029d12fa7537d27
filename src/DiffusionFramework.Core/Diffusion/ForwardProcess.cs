using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Sampling;
using DiffusionFramework.Core.Schedules;
using TorchSharp;

namespace DiffusionFramework.Core.Diffusion;

/// <summary>
/// The forward (noising) process q(x_t | x0) = N(√alphā_t x0, (1 - alphā_t) I) of Ho et al. 2020 (arXiv 2006.11239,
/// eq. 4), its training targets and the conversions between prediction types, at one timestep per batch element.
/// </summary>
/// <remarks>
/// As diffusers' <c>add_noise</c>: the float32 alphā is converted to the sample's dtype first, and √alphā_t and
/// √(1 - alphā_t) are computed at that precision. <c>timesteps</c> are integer training timesteps, shape [B], on any
/// device; results are on the sample's device.
/// </remarks>
public static class ForwardProcess
{
    /// <summary>x_t = √alphā_t x0 + √(1 - alphā_t) ε (diffusers <c>add_noise</c>).</summary>
    public static torch.Tensor AddNoise(NoiseSchedule schedule, torch.Tensor x0, torch.Tensor noise,
        torch.Tensor timesteps)
    {
        using var scope = torch.NewDisposeScope();
        var (alpha, sigma) = Coefficients(schedule, timesteps, x0);
        return (alpha * x0 + sigma * noise).MoveToOuterDisposeScope();
    }

    /// <summary>v = √alphā_t ε - √(1 - alphā_t) x0 (Salimans and Ho 2022, eq. 9; diffusers <c>get_velocity</c>).</summary>
    public static torch.Tensor Velocity(NoiseSchedule schedule, torch.Tensor x0, torch.Tensor noise,
        torch.Tensor timesteps)
    {
        using var scope = torch.NewDisposeScope();
        var (alpha, sigma) = Coefficients(schedule, timesteps, x0);
        return (alpha * noise - sigma * x0).MoveToOuterDisposeScope();
    }

    /// <summary>What a network of <paramref name="predictionType"/> is trained to output: ε, v or x0 (not flow).</summary>
    /// <exception cref="ArgumentException"><see cref="PredictionType.Flow"/>, whose target is
    /// <see cref="FlowMatchPath.Velocity"/>.</exception>
    public static torch.Tensor TrainingTarget(PredictionType predictionType, NoiseSchedule schedule, torch.Tensor x0,
        torch.Tensor noise, torch.Tensor timesteps) => predictionType switch
    {
        PredictionType.Epsilon => noise.alias(),
        PredictionType.VPrediction => Velocity(schedule, x0, noise, timesteps),
        PredictionType.Sample => x0.alias(),
        PredictionType.Flow => throw new ArgumentException(
            "flow_prediction models are trained on the flow path, not on this schedule: see FlowMatchPath.",
            nameof(predictionType)),
        _ => throw new ArgumentOutOfRangeException(nameof(predictionType), predictionType, "unknown prediction type"),
    };

    /// <summary>The x0 implied by <paramref name="modelOutput"/> at x_t = <paramref name="sample"/>.</summary>
    public static torch.Tensor PredictOriginal(PredictionType predictionType, NoiseSchedule schedule,
        torch.Tensor modelOutput, torch.Tensor sample, torch.Tensor timesteps)
    {
        using var scope = torch.NewDisposeScope();
        var (alpha, sigma) = Coefficients(schedule, timesteps, sample);
        return ModelOutputConversion.ToOriginal(predictionType, modelOutput, sample, alpha, sigma)
            .MoveToOuterDisposeScope();
    }

    /// <summary>The ε implied by <paramref name="modelOutput"/> at x_t = <paramref name="sample"/>.</summary>
    public static torch.Tensor PredictEpsilon(PredictionType predictionType, NoiseSchedule schedule,
        torch.Tensor modelOutput, torch.Tensor sample, torch.Tensor timesteps)
    {
        using var scope = torch.NewDisposeScope();
        var (alpha, sigma) = Coefficients(schedule, timesteps, sample);
        return ModelOutputConversion.ToEpsilon(predictionType, modelOutput, sample, alpha, sigma)
            .MoveToOuterDisposeScope();
    }

    /// <summary>
    /// SNR(t) = alphā_t / (1 - alphā_t), float32 [B] on the timesteps' device, computed as diffusers'
    /// <c>training_utils.compute_snr</c>: (√alphā / √(1 - alphā))² in float32.
    /// </summary>
    public static torch.Tensor Snr(NoiseSchedule schedule, torch.Tensor timesteps)
    {
        using var scope = torch.NewDisposeScope();
        torch.Tensor index = CheckedIndex(schedule, timesteps, timesteps.device);
        torch.Tensor alphaBar = schedule.AlphasCumprodTensor(timesteps.device);
        torch.Tensor ratio = alphaBar.sqrt()[index] / (1 - alphaBar).sqrt()[index];
        return ratio.square().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Min-SNR-γ loss weights (Hang et al. 2023, arXiv 2303.09556, eq. 8): min(SNR, γ) divided by SNR for ε-prediction,
    /// by SNR + 1 for v-prediction, unchanged for x0-prediction (as diffusers' training scripts).
    /// </summary>
    public static torch.Tensor MinSnrLossWeights(torch.Tensor snr, double gamma, PredictionType predictionType)
    {
        using var scope = torch.NewDisposeScope();
        torch.Tensor clipped = torch.clamp(snr, max: gamma);
        torch.Tensor weights = predictionType switch
        {
            PredictionType.Epsilon => clipped / snr,
            PredictionType.VPrediction => clipped / (snr + 1),
            PredictionType.Sample => clipped,
            _ => throw new ArgumentOutOfRangeException(nameof(predictionType), predictionType, "unknown prediction type"),
        };
        return weights.MoveToOuterDisposeScope();
    }

    /// <summary>√alphā_t and √(1 - alphā_t) in <paramref name="like"/>'s dtype, shaped [B, 1, ...] to broadcast.</summary>
    private static (torch.Tensor Alpha, torch.Tensor Sigma) Coefficients(NoiseSchedule schedule,
        torch.Tensor timesteps, torch.Tensor like)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        torch.Tensor index = CheckedIndex(schedule, timesteps, like.device);
        torch.Tensor alphaBar = schedule.AlphasCumprodTensor(like.device, like.dtype)[index].flatten();
        long[] shape = new long[Math.Max(like.dim(), 1)];
        Array.Fill(shape, 1L);
        shape[0] = alphaBar.shape[0];
        return (alphaBar.sqrt().view(shape), (1 - alphaBar).sqrt().view(shape));
    }

    private static torch.Tensor CheckedIndex(NoiseSchedule schedule, torch.Tensor timesteps, torch.Device device)
    {
        ArgumentNullException.ThrowIfNull(timesteps);
        if (torch.is_floating_point(timesteps) || torch.is_complex(timesteps) || timesteps.dtype == torch.ScalarType.Bool)
        {
            throw new ArgumentException(
                $"timesteps must be an integer tensor of training timesteps, got {timesteps.dtype}.", nameof(timesteps));
        }

        // A meta tensor (shape only, used to check device placement) has no values whose range could be checked.
        if (timesteps.numel() > 0 && timesteps.device_type != DeviceType.META)
        {
            long min = timesteps.min().item<long>();
            long max = timesteps.max().item<long>();
            if (min < 0 || max >= schedule.NumTrainTimesteps)
            {
                throw new ArgumentException(
                    $"timesteps must lie in 0 .. {schedule.NumTrainTimesteps - 1}, got values from {min} to {max}.",
                    nameof(timesteps));
            }
        }

        return timesteps.to(torch.ScalarType.Int64, device);
    }
}
