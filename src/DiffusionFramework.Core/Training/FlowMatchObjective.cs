using DiffusionFramework.Core.Diffusion;
using DiffusionFramework.Core.Sampling;
using DiffusionFramework.Core.Schedules;
using TorchSharp;

namespace DiffusionFramework.Core.Training;

/// <summary>
/// The conditional flow-matching objective (Lipman et al. 2022, arXiv 2210.02747, eq. 23; rectified flow, Liu et al.
/// 2022, arXiv 2209.03003, eq. 1) with the timestep sampling of Esser et al. 2024 (arXiv 2403.03206, sec. 3.1) as
/// diffusers' <c>train_dreambooth_sd3.py</c> does it: u ~ U(0, 1) or logit-normal
/// (<c>compute_density_for_timestep_sampling</c>), index ⌊u·T⌋ into the scheduler's training levels σ_T..σ_1
/// (<see cref="FlowMatchSigmas.TrainingSigmas"/>: shifted unless use_dynamic_shifting), x_σ = (1 - σ) x0 + σ ε,
/// network timestep σ·T, target v = ε - x0, unweighted MSE.
/// </summary>
internal sealed class FlowMatchObjective : ITrainingObjective
{
    private readonly float[] _sigmas;
    private readonly int _numTrainTimesteps;
    private readonly TrainerOptions _options;

    private FlowMatchObjective(float[] sigmas, TrainerOptions options)
    {
        _sigmas = sigmas;
        _numTrainTimesteps = sigmas.Length;
        _options = options;
    }

    /// <summary>The objective for <paramref name="scheduler"/>'s <c>num_train_timesteps</c>, <c>shift</c> and
    /// <c>use_dynamic_shifting</c>.</summary>
    /// <exception cref="ArgumentException">num_train_timesteps &lt; 1 or a shift that is not positive and finite.</exception>
    public static FlowMatchObjective Create(SchedulerConfig scheduler, TrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentNullException.ThrowIfNull(options);
        const string owner = "flow-matching training";
        int steps = scheduler.NumTrainTimesteps ?? 1000;
        if (steps < 1)
            throw new ArgumentException($"{owner}: num_train_timesteps must be at least 1, got {steps}.", nameof(scheduler));
        double shift = FlowMatchSettings.CheckedShift(scheduler, owner);
        return new FlowMatchObjective(
            FlowMatchSigmas.TrainingSigmas(steps, shift, scheduler.UseDynamicShifting == true), options);
    }

    /// <summary>σ per sample, float32 [B]: the training level at index ⌊u·T⌋ (clamped to T - 1 for u = 1, which
    /// the float32 logistic can round to).</summary>
    public torch.Tensor DrawLevels(int batchSize, torch.Generator generator, torch.Device device)
    {
        using var scope = torch.NewDisposeScope();
        torch.Tensor u = _options.FlowSigmaDensity == FlowSigmaDensity.LogitNormal
            ? (torch.randn([batchSize], generator: generator) * _options.FlowLogitStd + _options.FlowLogitMean).sigmoid()
            : torch.rand([batchSize], generator: generator);
        torch.Tensor index = (u * _numTrainTimesteps).to(torch.int64).clamp_max(_numTrainTimesteps - 1);
        return torch.tensor(_sigmas)[index].to(device).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public TrainingProblem Pose(torch.Tensor x0, torch.Tensor noise, torch.Tensor levels) =>
        new(FlowMatchPath.AddNoise(x0, noise, levels), levels.to(torch.float32) * _numTrainTimesteps,
            FlowMatchPath.Velocity(x0, noise), null);
}
