using DiffusionFramework.Abstractions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DiffusionFramework.Image;

/// <summary>The image plugin's entry point: registers the <c>image</c> modality and its task verbs.</summary>
public sealed class ImagePlugin : IDiffusionPlugin
{
    /// <inheritdoc />
    public PluginInfo Info { get; } = new("image", "1.0.0", "image",
        "Images: U-Net denoiser; generation, inpainting, super-resolution, img2img");

    /// <inheritdoc />
    public void ConfigureServices(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IModality, ImageModality>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDiffusionTask, Tasks.UpscaleTask>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDiffusionTask, Tasks.EvalUpscaleTask>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDiffusionTask, Evaluation.TrainClassifierTask>());
    }
}
