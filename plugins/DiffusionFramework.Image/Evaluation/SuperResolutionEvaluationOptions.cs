namespace DiffusionFramework.Image.Evaluation;

/// <summary>How <see cref="SuperResolutionEvaluation.Run"/> samples and batches held-out patches.</summary>
public sealed record SuperResolutionEvaluationOptions
{
    /// <summary>Number of patches N, spread over the photos round-robin (patch i from photo i mod count).</summary>
    public int Patches { get; init; } = 64;

    /// <summary>Patches upscaled and scored together (one dispose scope each).</summary>
    public int BatchSize { get; init; } = 16;

    /// <summary>Seed of the patch positions (<see cref="SuperResolution.PatchDataset"/>).</summary>
    public long Seed { get; init; }

    /// <summary>Throws unless <see cref="Patches"/> and <see cref="BatchSize"/> are at least 1.</summary>
    /// <exception cref="ArgumentException">A value is out of range; the message names it.</exception>
    public void Validate()
    {
        if (Patches < 1)
            throw new ArgumentException($"patches: {Patches}; evaluation needs at least 1 patch");
        if (BatchSize < 1)
            throw new ArgumentException($"batch: {BatchSize}; must be at least 1");
    }
}
