using TorchSharp;

namespace DiffusionFramework.Core.Sampling;

/// <summary>
/// What the runs of diffusers' VP exponential-integrator solvers share (DPM-Solver multistep and singlestep, DEIS,
/// UniPC): a <see cref="SigmaSchedule"/> walked step by step in order, identity model-input scaling, x_T of unit
/// standard deviation, one model call per step (<c>order</c> 1), and a per-step dispose scope around
/// <see cref="StepCore"/>.
/// </summary>
/// <remarks>Steps must be taken in order; the first may be any index (e.g. img2img).</remarks>
internal abstract class VpSolverRun : ISigmaSpaceRun
{
    private readonly string _solver;
    private int? _nextStep;

    /// <summary>A run over <paramref name="grid"/>; <paramref name="solver"/> names it in error messages.</summary>
    protected VpSolverRun(SigmaSchedule grid, string solver)
    {
        Grid = grid;
        _solver = solver;
        Timesteps = Array.AsReadOnly(grid.Timesteps);
        Sigmas = Array.AsReadOnly(grid.Sigmas);
    }

    /// <inheritdoc />
    public IReadOnlyList<double> Timesteps { get; }

    /// <inheritdoc />
    public IReadOnlyList<float> Sigmas { get; }

    /// <inheritdoc />
    public int Order => 1;

    /// <inheritdoc />
    public double InitNoiseSigma => Grid.InitNoiseSigma;

    /// <summary>The grid.</summary>
    protected SigmaSchedule Grid { get; }

    /// <summary>Number of steps of the run.</summary>
    protected int StepCount => Timesteps.Count;

    /// <summary>The identity: these solvers' models see x_t itself.</summary>
    public torch.Tensor ScaleModelInput(torch.Tensor sample, int stepIndex)
    {
        ArgumentNullException.ThrowIfNull(sample);
        CheckIndex(stepIndex);
        return sample.alias();
    }

    /// <inheritdoc />
    public SamplerStepResult Step(torch.Tensor modelOutput, int stepIndex, torch.Tensor sample, StepNoise noise)
    {
        ArgumentNullException.ThrowIfNull(modelOutput);
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(noise);
        CheckIndex(stepIndex);
        SamplerGuards.RequireNextStep(_solver, _nextStep, stepIndex);

        using var scope = torch.NewDisposeScope();
        SamplerStepResult result = StepCore(modelOutput, stepIndex, sample, noise);
        _nextStep = stepIndex + 1;
        return new SamplerStepResult(result.PrevSample.MoveToOuterDisposeScope(),
            result.PredOriginalSample?.MoveToOuterDisposeScope());
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>The solver's update; tensors it creates are disposed unless returned.</summary>
    protected abstract SamplerStepResult StepCore(torch.Tensor modelOutput, int stepIndex, torch.Tensor sample,
        StepNoise noise);

    /// <summary>Releases the tensors the run keeps between steps.</summary>
    protected abstract void Dispose(bool disposing);

    /// <summary>α_t, σ_t and λ_t of grid entry <paramref name="index"/>.</summary>
    protected VpNoiseLevel Level(int index) => VpNoiseLevel.FromSigma(Grid.Sigmas[index]);

    /// <summary>
    /// The order of a multistep step (diffusers' DPM-Solver and DEIS <c>step</c>): 1 while no earlier output is held
    /// or at a lowered final step, at most 2 with one earlier output or at a lowered second-to-last step, else the
    /// solver order.
    /// </summary>
    protected static int MultistepOrder(int solverOrder, int warmSteps, bool lowerFinal, bool lowerSecond) =>
        solverOrder == 1 || warmSteps < 1 || lowerFinal ? 1
        : solverOrder == 2 || warmSteps < 2 || lowerSecond ? 2
        : 3;

    private void CheckIndex(int stepIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(stepIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(stepIndex, Timesteps.Count);
    }
}
