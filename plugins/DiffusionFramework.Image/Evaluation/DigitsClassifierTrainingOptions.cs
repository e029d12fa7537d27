namespace DiffusionFramework.Image.Evaluation;

/// <summary>How <see cref="DigitsClassifierTraining"/> trains the evaluation classifier. The defaults produced the
/// shipped weights.</summary>
public sealed record DigitsClassifierTrainingOptions
{
    /// <summary>AdamW steps.</summary>
    public int Steps { get; init; } = 600;

    /// <summary>Training digits per step, drawn with replacement.</summary>
    public int BatchSize { get; init; } = 128;

    /// <summary>Peak learning rate, reached after <see cref="WarmupSteps"/> and decayed to 0 on a cosine.</summary>
    public double LearningRate { get; init; } = 3e-3;

    /// <summary>Linear warm-up steps.</summary>
    public int WarmupSteps { get; init; } = 30;

    /// <summary>AdamW's decoupled weight decay.</summary>
    public double WeightDecay { get; init; } = 1e-2;

    /// <summary>Probability of zeroing each feature before the last layer (inverted dropout).</summary>
    public double Dropout { get; init; } = 0.3;

    /// <summary>Seed of the run's generator: initialisation, batches and dropout.</summary>
    public long Seed { get; init; }

    /// <summary>Checks every value.</summary>
    /// <exception cref="ArgumentException">A value is out of range; the message names it.</exception>
    public void Validate()
    {
        if (Steps < 1)
            throw new ArgumentException($"steps must be at least 1, got {Steps}");
        if (BatchSize < 1)
            throw new ArgumentException($"batch size must be at least 1, got {BatchSize}");
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate))
            throw new ArgumentException($"learning rate must be a positive number, got {LearningRate}");
        if (WarmupSteps < 0)
            throw new ArgumentException($"warm-up steps must not be negative, got {WarmupSteps}");
        if (!(WeightDecay >= 0) || double.IsInfinity(WeightDecay))
            throw new ArgumentException($"weight decay must be a non-negative number, got {WeightDecay}");
        if (!(Dropout >= 0 && Dropout < 1))
            throw new ArgumentException($"dropout must lie in [0, 1), got {Dropout}");
    }
}
