using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Pipelines;
using TorchSharp;
using TorchSharp.Modules;

namespace DiffusionFramework.Image.SuperResolution;

/// <summary>
/// Super-resolves low-resolution images with a super-resolution model (SR3, Saharia et al. 2021, arXiv 2104.07636):
/// the bicubic context conditions the sampler, the sample is decoded by <see cref="ResidualTarget"/>. The U-Net is
/// fully convolutional, so images of another size than the training patches run through a copy of the model built at
/// their size: the context is padded (edge pixels repeated) to a square whose side is a multiple of the U-Net's
/// downsampling factor, and the result cropped back to the input size x scale.
/// </summary>
public static class SuperResolver
{
    /// <summary>Super-resolves <paramref name="lowRes"/> [B, C, h, w] in [-1, 1] to [B, C, h·s, w·s].</summary>
    /// <exception cref="ArgumentException">The model is not a super-resolution model, or the images do not fit it.</exception>
    public static torch.Tensor Upscale(DiffusionModel model, torch.Tensor lowRes, SuperResolutionSampling sampling)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(lowRes);
        ArgumentNullException.ThrowIfNull(sampling);
        ImageConfig config = ImageConfig.FromJson(model.NetworkConfig);
        if (!config.IsSuperResolution)
            throw new ArgumentException("not a super-resolution model (scale 0); upscaling needs one with scale ≥ 2", nameof(model));
        if (lowRes.dim() != 4 || lowRes.shape[1] != config.Channels)
            throw new ArgumentException(
                $"expected low-resolution images [B, {config.Channels}, h, w], got [{string.Join(", ", lowRes.shape)}]", nameof(lowRes));
        ArgumentOutOfRangeException.ThrowIfLessThan(sampling.SamplesPerImage, 1);

        using var scope = torch.NewDisposeScope();
        long batch = lowRes.shape[0], height = lowRes.shape[2] * config.Scale, width = lowRes.shape[3] * config.Scale;
        int multiple = config.Network.SpatialMultiple;
        int side = (int)((Math.Max(height, width) + multiple - 1) / multiple * multiple);
        torch.Tensor context = LowResContext.Upsample(lowRes.to(model.Device), config.Scale);
        context = torch.nn.functional.pad(context, [0, side - width, 0, side - height], PaddingModes.Replicate)
            .repeat_interleave(sampling.SamplesPerImage, dim: 0);

        using DiffusionModel? sized = side == config.ImageSize ? null : AtSize(model, config, side);
        torch.Tensor samples = (sized ?? model).Generate(new GenerationRequest
        {
            Count = (int)(batch * sampling.SamplesPerImage),
            Sampler = sampling.Sampler,
            Steps = sampling.Steps,
            Seed = sampling.Seed,
            Conditioning = new Conditioning { Context = context },
            CancellationToken = sampling.CancellationToken,
        });
        torch.Tensor images = ResidualTarget.Decode(samples, context, config.ResidualScale)
            .view(batch, sampling.SamplesPerImage, config.Channels, side, side).mean([1]);
        return images.narrow(2, 0, height).narrow(3, 0, width).contiguous().MoveToOuterDisposeScope();
    }

    private static DiffusionModel AtSize(DiffusionModel model, ImageConfig config, int side)
    {
        DiffusionModel sized = DiffusionModel.Create(model.Modality, model.Plugin, model.Device,
            (config with { ImageSize = side }).ToJson(), model.Scheduler);
        sized.Denoiser.Module.load_state_dict(model.Denoiser.Module.state_dict());
        return sized;
    }
}
