using System.Text.Json;
using System.Text.Json.Nodes;
using DiffusionFramework.Abstractions;
using DiffusionFramework.Core;
using DiffusionFramework.Core.Networks;

namespace DiffusionFramework.Image;

/// <summary>
/// The image modality's network configuration: every <see cref="UNetConfig"/> key plus the image keys
/// <c>image_size</c> (side of the square sample), <c>channels</c> (1 grey, 3 RGB), <c>scale</c> (super-resolution
/// factor; 0 = generation), <c>residual_scale</c> (super-resolution: diffuse the residual to bicubic times this factor,
/// see <see cref="SuperResolution.ResidualTarget"/>; 0 = the image itself), <c>prediction_type</c>, and the data hints <c>max_image_pixels</c>,
/// <c>data_stop_on_error</c>, <c>patches_per_image</c>, <c>augment_patches</c>, <c>data_seed</c>. The U-Net's <c>in_channels</c> and
/// <c>out_channels</c> follow <c>channels</c> and its <c>context_channels</c> follow <c>scale</c> (channels when
/// scale ≥ 2, else 0): missing they are filled in, given they must agree.
/// </summary>
public sealed record ImageConfig
{
    /// <summary>Side of the square sample in pixels.</summary>
    public int ImageSize { get; init; } = 8;

    /// <summary>1 (grey) or 3 (RGB).</summary>
    public int Channels { get; init; } = 1;

    /// <summary>Super-resolution factor (≥ 2), or 0 for a generative model.</summary>
    public int Scale { get; init; }

    /// <summary>Super-resolution: the factor k of the residual target (HR - bicubic) · k; 0 diffuses the image itself.</summary>
    public double ResidualScale { get; init; }

    /// <summary>What the U-Net predicts.</summary>
    public PredictionType PredictionType { get; init; } = PredictionType.Epsilon;

    /// <summary>The U-Net.</summary>
    public UNetConfig Network { get; init; } = new();

    /// <summary>Largest image (width · height) a dataset or input file may have.</summary>
    public long MaxImagePixels { get; init; } = Codec.ImageReadLimits.Default.MaxPixels;

    /// <summary>Stop opening a folder dataset at the first unreadable file instead of skipping it.</summary>
    public bool DataStopOnError { get; init; }

    /// <summary>Super-resolution: random patches per photo and epoch.</summary>
    public int PatchesPerImage { get; init; } = 64;

    /// <summary>Super-resolution: train on each patch under a seeded quarter turn and flip (8x the distinct patches).</summary>
    public bool AugmentPatches { get; init; } = true;

    /// <summary>Super-resolution: seed of the patch positions.</summary>
    public int DataSeed { get; init; }

    /// <summary>True for a super-resolution model (<see cref="Scale"/> ≥ 2).</summary>
    public bool IsSuperResolution => Scale >= 2;

    /// <summary>True when the U-Net takes class labels.</summary>
    public bool IsClassConditional => Network.NumClasses > 0;

    /// <summary>The decoder limits of <see cref="MaxImagePixels"/>.</summary>
    public Codec.ImageReadLimits ReadLimits => new() { MaxPixels = MaxImagePixels };

    /// <summary>The image keys (everything that is not a U-Net key).</summary>
    public static IReadOnlyList<string> ImageKeys { get; } =
        ["image_size", "channels", "scale", "residual_scale", "prediction_type", "max_image_pixels", "data_stop_on_error",
         "patches_per_image", "augment_patches", "data_seed"];

    /// <summary>The U-Net keys that follow from the image keys (filled in when missing).</summary>
    public static IReadOnlyList<string> DerivedKeys { get; } = ["in_channels", "out_channels", "context_channels", "dims"];

    /// <summary>Reads a configuration; missing keys take the defaults of the digits model's shape.</summary>
    /// <exception cref="ArgumentException">An unknown key, a bad value or inconsistent values; the message names the key.</exception>
    public static ImageConfig FromJson(JsonObject json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var reader = new ImageConfigReader(json);
        int channels = reader.Int("channels", 1, 1, 3);
        if (channels == 2)
            throw new ArgumentException("channels: 2; must be 1 (grey) or 3 (RGB)", nameof(json));
        int scale = reader.Int("scale", 0, 0, 16);
        if (scale == 1)
            throw new ArgumentException("scale: 1; must be 0 (generation) or a super-resolution factor of 2 or more", nameof(json));
        var network = (JsonObject)json.DeepClone();
        reader.Derive(network, "in_channels", channels);
        reader.Derive(network, "out_channels", channels);
        reader.Derive(network, "context_channels", scale >= 2 ? channels : 0);
        reader.Derive(network, "dims", 2);
        var config = new ImageConfig
        {
            ImageSize = reader.Int("image_size", 8, 1, 4096),
            Channels = channels,
            Scale = scale,
            ResidualScale = reader.Double("residual_scale", 0),
            PredictionType = reader.PredictionType("prediction_type"),
            Network = UNetConfig.FromJson(network, ImageKeys),
            MaxImagePixels = reader.Long("max_image_pixels", Codec.ImageReadLimits.Default.MaxPixels, 1, 1L << 40),
            DataStopOnError = reader.Bool("data_stop_on_error", false),
            PatchesPerImage = reader.Int("patches_per_image", 64, 1, 1_000_000),
            AugmentPatches = reader.Bool("augment_patches", true),
            DataSeed = reader.Int("data_seed", 0, 0, int.MaxValue),
        };
        config.Validate();
        return config;
    }

    /// <summary>Every key: the U-Net's, then the image keys.</summary>
    public JsonObject ToJson()
    {
        JsonObject json = Network.ToJson();
        json["image_size"] = ImageSize;
        json["channels"] = Channels;
        json["scale"] = Scale;
        json["residual_scale"] = ResidualScale;
        json["prediction_type"] = PredictionTypes.ToConfigString(PredictionType);
        json["max_image_pixels"] = MaxImagePixels;
        json["data_stop_on_error"] = DataStopOnError;
        json["patches_per_image"] = PatchesPerImage;
        json["augment_patches"] = AugmentPatches;
        json["data_seed"] = DataSeed;
        return json;
    }

    private void Validate()
    {
        if (ImageSize % Network.SpatialMultiple != 0)
            throw new ArgumentException(
                $"image_size: {ImageSize} must be a multiple of {Network.SpatialMultiple} (2^(levels - 1) for " +
                $"channel_mult of {Network.ChannelMult.Count} levels)");
        if (IsSuperResolution && ImageSize % Scale != 0)
            throw new ArgumentException($"image_size: {ImageSize} must be a multiple of scale {Scale}");
        if (ResidualScale is < 0 or > 1000 || double.IsNaN(ResidualScale))
            throw new ArgumentException($"residual_scale: {ResidualScale} must be in [0, 1000] (0 = diffuse the image itself)");
        if (ResidualScale > 0 && !IsSuperResolution)
            throw new ArgumentException($"residual_scale: {ResidualScale} needs a super-resolution model (scale ≥ 2)");
        if (IsSuperResolution && IsClassConditional)
            throw new ArgumentException("num_classes: super-resolution models (scale ≥ 2) take no class labels");
    }
}
