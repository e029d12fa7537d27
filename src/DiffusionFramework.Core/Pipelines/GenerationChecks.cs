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
        ISampler sampler = request.Sampler is { } name ? registry.Get(name) : registry.DefaultFor(prediction);
        RequireSupport(sampler, prediction, registry);
        Img2Img.RequireStrength(request.Strength);
        if (request.InitImage is { } init)
            SampleShapes.RequireBroadcast(init, sampleShape, "the init image", nameof(request.InitImage));
        else if (request.Strength < 1)
            throw new ArgumentException(
                $"strength {request.Strength} < 1 needs an init image to start from (InitImage).", nameof(request));
        CheckInpainting(request, sampleShape);
        return sampler;
    }

    /// <summary>Throws unless <paramref name="sampler"/> steps with <paramref name="prediction"/> models; the message
    /// lists the registered samplers that do.</summary>
    private static void RequireSupport(ISampler sampler, PredictionType prediction, SamplerRegistry registry)
    {
        if (sampler.SupportedPredictionTypes.Contains(prediction))
            return;
        string type = PredictionTypes.ToConfigString(prediction);
        string[] able = [.. registry.For(prediction).Select(s => s.Name)];
        throw new ArgumentException(
            $"sampler '{sampler.Name}' does not support {type} models; " +
            (able.Length == 0 ? $"no registered sampler supports {type}." : $"samplers that support {type}: {string.Join(", ", able)}."),
            "request");
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
