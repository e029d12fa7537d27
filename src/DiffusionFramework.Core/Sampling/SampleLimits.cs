using DiffusionFramework.Core.Schedules;
using TorchSharp;

namespace DiffusionFramework.Core.Sampling;

/// <summary>
/// How a sampler keeps its predicted x0 in range: dynamic thresholding (Saharia et al. 2022, "Photorealistic
/// Text-to-Image Diffusion Models with Deep Language Understanding", arXiv 2205.11487, sec. 2.3), else clipping to
/// ±<see cref="ClipSampleRange"/>, else nothing. diffusers keys: thresholding, dynamic_thresholding_ratio,
/// sample_max_value, clip_sample, clip_sample_range.
/// </summary>
/// <param name="Thresholding">Apply dynamic thresholding (takes precedence over clipping).</param>
/// <param name="DynamicThresholdingRatio">Percentile p of |x0| per sample.</param>
/// <param name="SampleMaxValue">Upper bound of the threshold s.</param>
/// <param name="ClipSample">Clamp x0 to ±<paramref name="ClipSampleRange"/>.</param>
/// <param name="ClipSampleRange">The clipping bound.</param>
public sealed record SampleLimits(bool Thresholding, double DynamicThresholdingRatio, double SampleMaxValue,
    bool ClipSample, double ClipSampleRange)
{
    /// <summary>Reads the keys from <paramref name="config"/>, with diffusers' defaults and this sampler's default for
    /// clip_sample.</summary>
    public static SampleLimits FromConfig(SchedulerConfig config, bool defaultClipSample) => new(
        config.Thresholding ?? false,
        config.DynamicThresholdingRatio ?? 0.995,
        config.SampleMaxValue ?? 1.0,
        config.ClipSample ?? defaultClipSample,
        config.ClipSampleRange ?? 1.0);

    /// <summary>Thresholds or clips <paramref name="x0"/> as configured; returns a new tensor.</summary>
    public torch.Tensor Apply(torch.Tensor x0)
    {
        if (Thresholding)
        {
            return DynamicThreshold(x0, DynamicThresholdingRatio, SampleMaxValue);
        }

        return ClipSample ? x0.clamp(-ClipSampleRange, ClipSampleRange) : x0.alias();
    }

    /// <summary>
    /// Per sample: s = clamp(quantile_p(|x0|), 1, max); x0 ← clamp(x0, -s, s) / s. Computed in float32 for
    /// half-precision inputs, like diffusers' <c>_threshold_sample</c>.
    /// </summary>
    public static torch.Tensor DynamicThreshold(torch.Tensor x0, double ratio, double maxValue)
    {
        using var scope = torch.NewDisposeScope();
        torch.ScalarType dtype = x0.dtype;
        torch.Tensor flat = x0.reshape(x0.shape[0], -1);
        if (dtype is not (torch.ScalarType.Float32 or torch.ScalarType.Float64))
        {
            flat = flat.to(torch.ScalarType.Float32);
        }

        torch.Tensor q = torch.tensor(ratio, dtype: flat.dtype, device: flat.device);
        torch.Tensor s = torch.quantile(flat.abs(), q, dim: 1).clamp(1.0, maxValue).unsqueeze(1);
        torch.Tensor limited = torch.clamp(flat, -s, s) / s;
        return limited.reshape(x0.shape).to(dtype).MoveToOuterDisposeScope();
    }
}
