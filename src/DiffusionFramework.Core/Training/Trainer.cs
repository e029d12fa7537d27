using System.Diagnostics;
using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Checkpoints;
using DiffusionFramework.Core.Diffusion;
using DiffusionFramework.Core.Schedules;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DiffusionFramework.Core.Training;

/// <summary>
/// Trains a denoiser with the DDPM objective (Ho et al. 2020, arXiv 2006.11239, Algorithm 1): draw x0, t ~ U{0..T-1}
/// and ε; form x_t = √ᾱ_t x0 + √(1-ᾱ_t) ε; regress the network's output on its target (ε, v or x0) with a masked,
/// optionally Min-SNR-γ-weighted MSE; step AdamW with warm-up/cosine learning rate and gradient clipping; update the EMA.
/// A <see cref="PredictionType.Flow"/> denoiser trains with flow matching instead: σ from the scheduler's training
/// levels, x_σ = (1 - σ) x0 + σ ε, t = σ·T, target ε - x0 (see <see cref="TrainerOptions.FlowSigmaDensity"/>).
/// </summary>
/// <remarks>
/// <para>Every step runs in its own dispose scope. One CPU <see cref="Generator"/> seeded with
/// <see cref="TrainerOptions.Seed"/> draws everything random, so a run is reproducible and a checkpoint (weights, EMA,
/// AdamW moments and step counts, generator state, step) resumes it bit for bit on CPU.</para>
/// <para>Keep a trainer on one thread (dispose scopes are per thread). The denoiser is not owned; the optimiser, EMA
/// and generator are, and <see cref="Dispose"/> frees them. <c>DiffusionModel.CreateTrainer</c> builds one for a
/// modality's model.</para>
/// </remarks>
public sealed partial class Trainer : IDisposable
{
    private readonly IDiffusionDataset _dataset;
    private readonly INoiseSampler _noiseSampler;
    private readonly Device _device;
    private readonly LearningRateSchedule _learningRate;
    private readonly IReadOnlyList<string> _parameterNames;
    private readonly IReadOnlyList<Parameter> _parameters;
    private readonly AdamW _optimizer;
    private readonly Generator _generator;
    private readonly CheckpointConfig _template;
    private readonly ITrainingObjective _objective;

    /// <summary>Prepares a run: moves the denoiser to the device and creates AdamW, the EMA and the generator.</summary>
    /// <param name="denoiser">The network to train (its module's trainable parameters are optimised).</param>
    /// <param name="dataset">Training data.</param>
    /// <param name="noiseSampler">The modality's noise (e.g. <c>GaussianNoiseSampler.Instance</c>).</param>
    /// <param name="scheduler">The noise schedule's diffusers settings; stored in checkpoints with the denoiser's
    /// <c>prediction_type</c>.</param>
    /// <param name="options">The run's settings.</param>
    /// <param name="checkpointTemplate">Plugin id and version, modality and network hyper-parameters for checkpoints'
    /// <c>config.json</c> (scheduler, prediction type and training state are filled in); plugin "custom" when null.</param>
    /// <exception cref="ArgumentException">An option is out of range or does not apply to the denoiser's prediction
    /// type, the dataset is empty, nothing is trainable, or the scheduler's <c>prediction_type</c> contradicts the
    /// denoiser's.</exception>
    public Trainer(IDenoiser denoiser, IDiffusionDataset dataset, INoiseSampler noiseSampler, SchedulerConfig scheduler,
        TrainerOptions options, CheckpointConfig? checkpointTemplate = null)
    {
        ArgumentNullException.ThrowIfNull(denoiser);
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(noiseSampler);
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (dataset.Count < 1)
            throw new ArgumentException($"dataset '{dataset.Name}' is empty", nameof(dataset));
        string predictionType = PredictionTypes.ToConfigString(denoiser.PredictionType);
        if (scheduler.PredictionType is { } declared && declared != predictionType)
            throw new ArgumentException(
                $"the scheduler config says prediction_type \"{declared}\" but the denoiser predicts \"{predictionType}\"",
                nameof(scheduler));
        Denoiser = denoiser;
        Scheduler = scheduler with { PredictionType = predictionType };
        Schedule = NoiseSchedule.FromConfig(scheduler);
        _objective = ITrainingObjective.For(denoiser.PredictionType, scheduler, Schedule, options);
        Options = options;
        _template = checkpointTemplate ?? new CheckpointConfig { PluginId = "custom", PluginVersion = "0.0.0", Modality = "custom" };
        _dataset = dataset;
        _noiseSampler = noiseSampler;
        _device = ParseDevice(options.Device);
        _learningRate = options.LearningRateSchedule;

        denoiser.Module.to(_device);
        var trainable = denoiser.Module.named_parameters().Where(p => p.parameter.requires_grad).ToList();
        if (trainable.Count == 0)
            throw new ArgumentException("the denoiser has no trainable parameters", nameof(denoiser));
        _parameterNames = trainable.Select(p => p.name).ToArray();
        _parameters = trainable.Select(p => p.parameter).ToArray();
        _optimizer = optim.AdamW(_parameters, options.LearningRate, options.AdamBeta1, options.AdamBeta2,
            options.AdamEpsilon, options.WeightDecay);
        AdamWState.KeepAlive(_optimizer);
        if (options.EmaDecay is { } decay)
            Ema = new ExponentialMovingAverage(denoiser.Module, decay, options.EmaWarmup);
        _generator = new Generator(unchecked((ulong)options.Seed));
    }

    /// <summary>The network being trained.</summary>
    public IDenoiser Denoiser { get; }

    /// <summary>The scheduler settings, with <c>prediction_type</c> set to the denoiser's.</summary>
    public SchedulerConfig Scheduler { get; }

    /// <summary>The forward process's schedule (of the DDPM objective; a flow model's levels come from
    /// <see cref="Scheduler"/>'s shift).</summary>
    public NoiseSchedule Schedule { get; }

    /// <summary>The run's settings.</summary>
    public TrainerOptions Options { get; }

    /// <summary>The moving average of the weights, or null when <see cref="TrainerOptions.EmaDecay"/> is null.</summary>
    public ExponentialMovingAverage? Ema { get; }

    /// <summary>The AdamW optimiser (its state tensors are checked by the device tests).</summary>
    internal AdamW Optimizer => _optimizer;

    /// <summary>Optimiser steps completed (0 for a new run; the checkpoint's step after <see cref="Resume"/>).</summary>
    public long Step { get; private set; }

    /// <summary>
    /// Trains from <see cref="Step"/> to <see cref="TrainerOptions.Steps"/>, reporting after every step and writing
    /// checkpoints as the options say.
    /// </summary>
    /// <param name="progress">Receives a report after each step (on the training thread when it is synchronous).</param>
    /// <param name="cancellationToken">Checked before each step; the trainer stays consistent, so a cancelled run can
    /// be checkpointed with <see cref="SaveCheckpoint"/> and resumed.</param>
    /// <returns>The report of the last step taken, or null when the run was already complete.</returns>
    /// <exception cref="OperationCanceledException">Cancellation was requested.</exception>
    public TrainingProgress? Train(IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        if (_resumeFailed)
            throw new InvalidOperationException("a failed Resume left this trainer partly restored; create a new one");
        var clock = Stopwatch.StartNew();
        TrainingProgress? last = null;
        Denoiser.Module.train();
        while (Step < Options.Steps)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (loss, learningRate, gradientNorm) = TrainStep();
            string? checkpoint = CheckpointDue() ? WriteCheckpoint(Options.CheckpointDirectory, prune: true) : null;
            last = new TrainingProgress(Step, Options.Steps, loss, learningRate, gradientNorm, clock.Elapsed, checkpoint);
            progress?.Report(last);
        }
        return last;
    }

    /// <summary>Frees the optimiser state, the EMA and the generator (not the denoiser).</summary>
    public void Dispose()
    {
        _optimizer.Dispose();
        Ema?.Dispose();
        _generator.Dispose();
    }

    /// <summary>One optimiser step, Algorithm 1 lines 2-5, in its own dispose scope.</summary>
    private (double Loss, double LearningRate, double GradientNorm) TrainStep()
    {
        using var scope = NewDisposeScope();
        double learningRate = _learningRate.At(Step);
        foreach (var group in _optimizer.ParamGroups)
            group.LearningRate = learningRate;

        // 1. x0 ~ q(x0), noise level (t ~ U{0..T-1}, or σ), ε ~ noise sampler, condition dropped with probability p_uncond.
        var batch = TrainingBatch.Draw(_dataset, _noiseSampler, Options.BatchSize, _objective,
            Options.ConditionDropProbability, _device, _generator);
        // 2. x_t = √ᾱ_t x0 + √(1-ᾱ_t) ε (flow: (1 - σ) x0 + σ ε), its timestep and the target of the prediction type.
        TrainingProblem problem = _objective.Pose(batch.X0, batch.Noise, batch.Levels);
        // 3. The prediction.
        Tensor prediction = Predict(problem.Input, problem.Timesteps, batch);
        // 4. Masked MSE, weighted per sample by noise level.
        Tensor loss = DenoisingLoss.Compute(prediction, problem.Target, batch.Conditioning.Mask, problem.Weights);
        // 5. Gradient step: clip, AdamW, EMA.
        _optimizer.zero_grad();
        loss.backward();
        double gradientNorm = nn.utils.clip_grad_norm_(_parameters, Options.GradientClipNorm ?? double.PositiveInfinity);
        _optimizer.step();
        Step++;
        Ema?.Update(Step);
        return (loss.item<float>(), learningRate, gradientNorm);
    }

    /// <summary>The denoiser's output, with the condition dropped for samples from <see cref="TrainingBatch.Kept"/> on.</summary>
    private Tensor Predict(Tensor xt, Tensor t, TrainingBatch batch)
    {
        int size = (int)xt.shape[0], kept = batch.Kept;
        if (kept == size)
            return Denoiser.Forward(xt, t, batch.Conditioning);
        var dropped = batch.Conditioning with { DropCondition = true };
        if (kept == 0)
            return Denoiser.Forward(xt, t, dropped);
        Tensor conditional = Denoiser.Forward(xt.narrow(0, 0, kept), t.narrow(0, 0, kept),
            TrainingBatch.Slice(batch.Conditioning, 0, kept));
        Tensor unconditional = Denoiser.Forward(xt.narrow(0, kept, size - kept), t.narrow(0, kept, size - kept),
            TrainingBatch.Slice(dropped, kept, size - kept));
        return cat([conditional, unconditional]);
    }

    private static Device ParseDevice(string device)
    {
        try
        {
            return torch.device(device);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException)
        {
            throw new ArgumentException($"trainer options: Device = \"{device}\" is not a torch device ({e.Message})",
                nameof(device), e);
        }
    }
}
