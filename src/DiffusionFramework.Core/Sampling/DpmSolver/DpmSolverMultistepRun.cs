using TorchSharp;

namespace DiffusionFramework.Core.Sampling;

/// <summary>
/// One run of <see cref="DpmSolverMultistepSampler"/>. Holds the converted model outputs of the last
/// <c>solver_order</c> steps; the order of each step is min(solver order, steps taken so far + 1), lowered at the
/// end of short runs (<c>lower_order_final</c>, <c>euler_at_final</c>, final σ = 0) as in diffusers.
/// </summary>
/// <remarks>
/// Steps must be taken in order (the first may start anywhere, e.g. for img2img). The model output is converted
/// in the sample's dtype; the sample is then cast to float32 for the update and the result cast back to the
/// converted output's dtype, as in diffusers.
/// </remarks>
internal sealed class DpmSolverMultistepRun : ISigmaSpaceRun
{
    private readonly SigmaSchedule _grid;
    private readonly DpmSolverSettings _settings;
    private readonly List<torch.Tensor> _history = [];
    private int _lowerOrderSteps;
    private int? _nextStep;

    public DpmSolverMultistepRun(SigmaSchedule grid, DpmSolverSettings settings)
    {
        _grid = grid;
        _settings = settings;
        Timesteps = Array.AsReadOnly(grid.Timesteps);
        Sigmas = Array.AsReadOnly(grid.Sigmas);
    }

    public IReadOnlyList<double> Timesteps { get; }

    public IReadOnlyList<float> Sigmas { get; }

    public int Order => 1;

    public double InitNoiseSigma => _grid.InitNoiseSigma;

    /// <summary>The identity: DPM-Solver's model sees x_t itself.</summary>
    public torch.Tensor ScaleModelInput(torch.Tensor sample, int stepIndex)
    {
        ArgumentNullException.ThrowIfNull(sample);
        CheckIndex(stepIndex);
        return sample.alias();
    }

    public SamplerStepResult Step(torch.Tensor modelOutput, int stepIndex, torch.Tensor sample, StepNoise noise)
    {
        ArgumentNullException.ThrowIfNull(modelOutput);
        ArgumentNullException.ThrowIfNull(sample);
        CheckIndex(stepIndex);
        if (_nextStep is { } expected && stepIndex != expected)
        {
            throw new InvalidOperationException(
                $"DPM-Solver run: steps must be taken in order; expected step {expected}, got {stepIndex}.");
        }

        using var scope = torch.NewDisposeScope();
        int n = Timesteps.Count;
        bool lowerOrderFinal = stepIndex == n - 1 &&
            (_settings.EulerAtFinal || (_settings.LowerOrderFinal && n < 15) || _settings.FinalSigmaZero);
        bool lowerOrderSecond = stepIndex == n - 2 && _settings.LowerOrderFinal && n < 15;

        torch.Tensor converted = DpmSolverModelOutput.Convert(_settings, Level(stepIndex), modelOutput, sample);
        Remember(converted);
        torch.Tensor x = sample.to(torch.ScalarType.Float32);
        int order = _settings.SolverOrder;
        torch.Tensor prevSample = order == 1 || _lowerOrderSteps < 1 || lowerOrderFinal ? FirstOrder(stepIndex, x)
            : order == 2 || _lowerOrderSteps < 2 || lowerOrderSecond ? SecondOrder(stepIndex, x)
            : ThirdOrder(stepIndex, x);
        _lowerOrderSteps = Math.Min(_lowerOrderSteps + 1, order);
        _nextStep = stepIndex + 1;

        prevSample = prevSample.to(converted.dtype);
        torch.Tensor? x0 = _settings.DataPrediction ? converted.alias() : null;
        return new SamplerStepResult(prevSample.MoveToOuterDisposeScope(), x0?.MoveToOuterDisposeScope());
    }

    public void Dispose()
    {
        foreach (torch.Tensor tensor in _history)
        {
            tensor.Dispose();
        }

        _history.Clear();
    }

    private torch.Tensor FirstOrder(int i, torch.Tensor x) =>
        DpmSolverUpdate.FirstOrder(_settings.DataPrediction, Level(i + 1), Level(i), x, _history[^1]);

    private torch.Tensor SecondOrder(int i, torch.Tensor x) =>
        DpmSolverUpdate.SecondOrder(_settings.DataPrediction, _settings.Heun, Level(i + 1), Level(i), Level(i - 1), x,
            _history[^1], _history[^2]);

    private torch.Tensor ThirdOrder(int i, torch.Tensor x) =>
        DpmSolverUpdate.ThirdOrder(_settings.DataPrediction, Level(i + 1), Level(i), Level(i - 1), Level(i - 2), x,
            _history[^1], _history[^2], _history[^3]);

    /// <summary>Keeps <paramref name="converted"/> beyond this step, dropping outputs older than the solver order.</summary>
    private void Remember(torch.Tensor converted)
    {
        _history.Add(converted.alias().DetachFromDisposeScope());
        while (_history.Count > _settings.SolverOrder)
        {
            _history[0].Dispose();
            _history.RemoveAt(0);
        }
    }

    private VpNoiseLevel Level(int index) => VpNoiseLevel.FromSigma(_grid.Sigmas[index]);

    private void CheckIndex(int stepIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(stepIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(stepIndex, Timesteps.Count);
    }
}
