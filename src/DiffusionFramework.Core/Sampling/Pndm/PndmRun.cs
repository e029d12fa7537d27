using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Schedules;
using TorchSharp;

namespace DiffusionFramework.Core.Sampling;

/// <summary>
/// One run of <see cref="PndmSampler"/> (diffusers' <c>step_prk</c> / <c>step_plms</c>), stepping call by call:
/// <list type="bullet">
/// <item>PLMS (Liu et al. 2022, arXiv 2202.09778, eq. 12, linear multistep on the noise ε): call 0 steps with ε_0;
/// call 1 re-evaluates at the result and steps again from the start with (ε_0 + ε_1)/2 (the repeated timestep);
/// then (3ε_k - ε_{k-1})/2, (23, -16, 5)/12 and (55, -59, 37, -9)/24 combinations of the last outputs.</item>
/// <item>PRK warm-up (eq. 13, pseudo Runge-Kutta), without skip_prk_steps: groups of four calls at t, t-δ/2,
/// t-δ/2, t-δ, combined as (ε_1 + 2ε_2 + 2ε_3 + ε_4)/6.</item>
/// </list>
/// Every step is the pseudo-numerical transfer φ of eq. 9 (<see cref="Transfer"/>) in float32 coefficients.
/// </summary>
internal sealed class PndmRun(NoiseSchedule schedule, long[] timesteps, int n, PndmSettings settings) : ISamplerRun
{
    private readonly ModelOutputHistory _ets = new(4);
    private readonly int _prkCalls = settings.SkipPrkSteps ? 0 : 12;
    private readonly long _ratio = schedule.NumTrainTimesteps / n;
    private torch.Tensor? _curSample;
    private torch.Tensor? _curOutput;
    private int _counter;
    private int? _nextStep;

    public IReadOnlyList<double> Timesteps { get; } = Array.AsReadOnly(Array.ConvertAll(timesteps, t => (double)t));

    public int Order => 1;

    public double InitNoiseSigma => 1.0;

    /// <summary>√ᾱ and √(1-ᾱ) at step <paramref name="stepIndex"/> (img2img, inpainting).</summary>
    public NoiseLevel NoiseLevelAt(int stepIndex) =>
        TimestepNoiseLevels.At(schedule, timesteps, settings.FinalAlphaCumprod, stepIndex);

    /// <summary>diffusers' add_noise at step <paramref name="stepIndex"/>'s timestep.</summary>
    public torch.Tensor AddNoise(torch.Tensor original, torch.Tensor noise, int stepIndex) =>
        TimestepNoiseLevels.AddNoise(schedule, timesteps, settings.FinalAlphaCumprod, original, noise, stepIndex);

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
        SamplerGuards.RequireNextStep("PNDM", _nextStep, stepIndex);

        using var scope = torch.NewDisposeScope();
        long t = timesteps[stepIndex];
        torch.Tensor prev = _counter < _prkCalls ? StepPrk(modelOutput, t, sample) : StepPlms(modelOutput, t, sample);
        _counter++;
        _nextStep = stepIndex + 1;
        return new SamplerStepResult(prev.MoveToOuterDisposeScope(), null);
    }

    public void Dispose()
    {
        _ets.Dispose();
        ModelOutputHistory.Replace(ref _curSample, null);
        ModelOutputHistory.Replace(ref _curOutput, null);
    }

    private torch.Tensor StepPrk(torch.Tensor output, long t, torch.Tensor sample)
    {
        long prevT = t - (_counter % 2 == 1 ? 0 : _ratio / 2);
        long groupT = timesteps[_counter / 4 * 4];
        switch (_counter % 4)
        {
            case 0:
                ModelOutputHistory.Replace(ref _curOutput, output * (1.0 / 6));
                _ets.Add(output);
                ModelOutputHistory.Replace(ref _curSample, sample);
                break;
            case 1 or 2:
                ModelOutputHistory.Replace(ref _curOutput, _curOutput! + output * (1.0 / 3));
                break;
            default:
                output = _curOutput! + output * (1.0 / 6);
                ModelOutputHistory.Replace(ref _curOutput, null);
                break;
        }

        return Transfer(_curSample ?? sample, groupT, prevT, output);
    }

    private torch.Tensor StepPlms(torch.Tensor output, long t, torch.Tensor sample)
    {
        long prevT = t - _ratio;
        if (_counter != 1)
        {
            _ets.Add(output);
        }
        else
        {
            (prevT, t) = (t, t + _ratio);
        }

        torch.Tensor epsilon;
        if (_ets.Count == 1 && _counter == 0)
        {
            epsilon = output;
            ModelOutputHistory.Replace(ref _curSample, sample);
        }
        else if (_ets.Count == 1 && _counter == 1)
        {
            epsilon = (output + _ets[^1]) / 2.0;
            sample = _curSample!;
        }
        else
        {
            epsilon = _ets.Count switch
            {
                2 => (_ets[^1] * 3.0 - _ets[^2]) / 2.0,
                3 => (_ets[^1] * 23.0 - _ets[^2] * 16.0 + _ets[^3] * 5.0) / 12.0,
                _ => (_ets[^1] * 55.0 - _ets[^2] * 59.0 + _ets[^3] * 37.0 - _ets[^4] * 9.0) * (1.0 / 24),
            };
        }

        torch.Tensor prev = Transfer(sample, t, prevT, epsilon);
        if (_counter == 1)
        {
            ModelOutputHistory.Replace(ref _curSample, null);
        }

        return prev;
    }

    /// <summary>
    /// x_{t-δ} = √(ᾱ_{t-δ}/ᾱ_t) x_t - (ᾱ_{t-δ} - ᾱ_t) ε / (ᾱ_t √(1-ᾱ_{t-δ}) + √(ᾱ_t (1-ᾱ_t) ᾱ_{t-δ})), eq. 9; ᾱ before
    /// the first timestep is 1 (set_alpha_to_one) or ᾱ_0. A v-prediction is turned into ε = √ᾱ_t v + √(1-ᾱ_t) x_t
    /// first.
    /// </summary>
    private torch.Tensor Transfer(torch.Tensor sample, long t, long prevT, torch.Tensor output)
    {
        if (t >= schedule.NumTrainTimesteps)
        {
            throw new InvalidOperationException($"PNDM run: timestep {t} is outside the schedule.");
        }

        float alphaProd = schedule.AlphasCumprod[(int)t];
        float alphaProdPrev = prevT >= 0 ? schedule.AlphasCumprod[(int)prevT] : settings.FinalAlphaCumprod;
        float betaProd = 1f - alphaProd;
        float betaProdPrev = 1f - alphaProdPrev;
        if (settings.Prediction == PredictionType.VPrediction)
        {
            output = output * MathF.Sqrt(alphaProd) + sample * MathF.Sqrt(betaProd);
        }

        float sampleCoeff = MathF.Sqrt(alphaProdPrev / alphaProd);
        float denominator = alphaProd * MathF.Sqrt(betaProdPrev) + MathF.Sqrt(alphaProd * betaProd * alphaProdPrev);
        return sample * sampleCoeff - output * (alphaProdPrev - alphaProd) / denominator;
    }

    private void CheckIndex(int stepIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(stepIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(stepIndex, timesteps.Length);
    }
}
