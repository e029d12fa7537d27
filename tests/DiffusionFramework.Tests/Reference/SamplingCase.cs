using System.Text.Json;
using DiffusionFramework.Core.Schedules;

namespace DiffusionFramework.Tests.Reference;

/// <summary>One case of a <c>sampling_*.json</c> reference file: a full diffusers sampling loop.</summary>
/// <param name="Id">The case id, e.g. "DDIMScheduler/scaled_linear/leading/steps10/epsilon/eta0".</param>
/// <param name="Config">The complete scheduler.config, parsed by the engine's own <see cref="SchedulerConfig"/>.</param>
/// <param name="NumInferenceSteps">num_inference_steps passed to set_timesteps.</param>
/// <param name="SetTimestepsKwargs">The set_timesteps() kwargs (flow matching's mu ...).</param>
/// <param name="StepKwargs">The step() kwargs (eta, s_churn ...).</param>
/// <param name="Timesteps">scheduler.timesteps, one per model call.</param>
/// <param name="Sigmas">scheduler.sigmas or null.</param>
/// <param name="InitNoiseSigma">scheduler.init_noise_sigma.</param>
/// <param name="XT">x_T = x_T_base · init_noise_sigma, flat [2,3,4,4].</param>
/// <param name="Samples">The sample after each step, flat.</param>
/// <param name="StepNoises">The noise drawn inside each step (null entry: none drawn), or null if not stochastic.</param>
/// <param name="Float32RunMaxRelDiff">How far a float32 run of the same case lands from this float64 one.</param>
/// <param name="Tags">beta, spacing, steps, prediction_type, eta/variant.</param>
public sealed record SamplingCase(
    string Id,
    SchedulerConfig Config,
    int NumInferenceSteps,
    JsonElement SetTimestepsKwargs,
    JsonElement StepKwargs,
    double[] Timesteps,
    double[]? Sigmas,
    double InitNoiseSigma,
    double[] XT,
    double[][] Samples,
    double[]?[]? StepNoises,
    double Float32RunMaxRelDiff,
    JsonElement Tags)
{
    /// <summary>Shape of every tensor in the reference files.</summary>
    public static long[] Shape { get; } = [2, 3, 4, 4];

    /// <summary>A string tag ("beta", "spacing", "prediction_type" ...), or null.</summary>
    public string? Tag(string name) =>
        Tags.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>A numeric step kwarg (e.g. "eta"), or null.</summary>
    public double? StepKwarg(string name) => Number(StepKwargs, name);

    /// <summary>A numeric set_timesteps kwarg (e.g. "mu"), or null.</summary>
    public double? SetTimestepsKwarg(string name) => Number(SetTimestepsKwargs, name);

    /// <summary>A number, or the strings "inf"/"-inf" the reference files write for non-finite floats.</summary>
    private static double? Number(JsonElement kwargs, string name)
    {
        if (kwargs.ValueKind != JsonValueKind.Object || !kwargs.TryGetProperty(name, out JsonElement v))
        {
            return null;
        }

        return v.ValueKind switch
        {
            JsonValueKind.Number => v.GetDouble(),
            JsonValueKind.String when v.GetString() == "inf" => double.PositiveInfinity,
            JsonValueKind.String when v.GetString() == "-inf" => double.NegativeInfinity,
            _ => null,
        };
    }

    /// <inheritdoc />
    public override string ToString() => Id;
}
