namespace DiffusionFramework.Core.Training;

/// <summary>What the trainer reports after each optimiser step.</summary>
/// <param name="Step">Optimiser steps completed, 1-based (the step just taken).</param>
/// <param name="TotalSteps">Steps the run will take in all.</param>
/// <param name="Loss">The batch loss of this step (as back-propagated).</param>
/// <param name="LearningRate">The learning rate this step used.</param>
/// <param name="GradientNorm">The total gradient 2-norm before clipping.</param>
/// <param name="Elapsed">Wall time since this trainer's Trainer.Train call began.</param>
/// <param name="CheckpointPath">The checkpoint folder written after this step, or null.</param>
public sealed record TrainingProgress(
    long Step,
    long TotalSteps,
    double Loss,
    double LearningRate,
    double GradientNorm,
    TimeSpan Elapsed,
    string? CheckpointPath = null);
