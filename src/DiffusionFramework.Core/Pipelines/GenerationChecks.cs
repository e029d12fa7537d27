using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Editing;
using DiffusionFramework.Core.Sampling;

namespace DiffusionFramework.Core.Pipelines;

/// <summary>The checks of a <see cref="GenerationRequest"/> that need no sampler run, made before any work.</summary>
internal static class GenerationChecks
{
    /// <summary>Checks count, steps, sampler, prediction type, strength and the editing inputs against
    /// <paramref name="sampleShape"/>; returns the sampler.</summary>
    /// <exception cref="ArgumentException">The first problem found; the message names the option.</exception>
    public static ISampler Check(GenerationRequest request, SamplerRegistry registry, PredictionType prediction,
        long[] sampleShape)
    {
        if (request.Count < 1)
            throw new ArgumentException($"count must be at least 1 (got {request.Count}).", nameof(request));
        SamplerGuards.RequireSteps(request.Steps);
        ISampler sampler = registry.Get(request.Sampler);
        if (!sampler.SupportedPredictionTypes.Contains(prediction))
            throw new ArgumentException(
                $"sampler '{sampler.Name}' does not support {PredictionTypes.ToConfigString(prediction)} models; " +
                "choose another sampler.", nameof(request));
        Img2Img.RequireStrength(request.Strength);
        if (request.InitImage is { } init)
            SampleShapes.RequireBroadcast(init, sampleShape, "the init image", nameof(request.InitImage));
        else if (request.Strength < 1)
            throw new ArgumentException(
                $"strength {request.Strength} < 1 needs an init image to start from (InitImage).", nameof(request));
        CheckInpainting(request, sampleShape);
        return sampler;
    }

    private static void CheckInpainting(GenerationRequest request, long[] sampleShape)
    {
        if (request.Mask is not { } mask)
        {
            if (request.KnownImage is not null)
                throw new ArgumentException("a known image was given without a mask (Mask).", nameof(request));
            if (request.RePaint is not null)
                throw new ArgumentException("RePaint settings were given without a mask (Mask).", nameof(request));
            return;
        }

        SampleShapes.RequireBroadcast(mask, sampleShape, "the inpainting mask", nameof(request.Mask));
        RequireKnownImage(request, sampleShape);
        request.RePaint?.Validate();
    }

    private static void RequireKnownImage(GenerationRequest request, long[] sampleShape)
    {
        var known = request.KnownImage ?? request.InitImage ?? throw new ArgumentException(
            "inpainting needs the data to keep: set KnownImage (or InitImage).", nameof(request));
        SampleShapes.RequireBroadcast(known, sampleShape, "the known image", nameof(request.KnownImage));
    }
}
