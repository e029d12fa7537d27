using System.Text.Json;
using System.Text.Json.Serialization;
using V = DiffusionFramework.Core.Schedules.SchedulerConfigValues;

namespace DiffusionFramework.Core.Schedules;

/// <summary>
/// A diffusers <c>scheduler_config.json</c>: every key optional, named exactly as diffusers names it (snake_case).
/// Data only: each sampler applies its own diffusers default where a key is null, so a diffusers config loads
/// unchanged and a reference case's <c>config</c> can be fed straight to the engine.
/// </summary>
/// <remarks>
/// Enum-like keys are validated when set (<see cref="SchedulerConfigValues"/>); unknown keys are kept in
/// <see cref="ExtensionData"/> and written back by <see cref="ToJson"/>. Non-finite floats are read from the
/// strings "inf"/"-inf"/"nan" or from Python's bare <c>Infinity</c>/<c>-Infinity</c>/<c>NaN</c>, and written as
/// "inf"/"-inf"/"nan". Equality of the list-valued properties and of <see cref="ExtensionData"/> is by reference.
/// </remarks>
public sealed record SchedulerConfig
{
    /// <summary><c>_class_name</c>: the diffusers scheduler class the config was saved from.</summary>
    [JsonPropertyName("_class_name")] public string? ClassName { get; init; }

    /// <summary><c>_diffusers_version</c>.</summary>
    [JsonPropertyName("_diffusers_version")] public string? DiffusersVersion { get; init; }

    /// <summary><c>num_train_timesteps</c> (default 1000).</summary>
    public int? NumTrainTimesteps { get; init; }

    /// <summary><c>beta_start</c>: first beta of linear/scaled_linear/sigmoid (default 0.0001).</summary>
    public double? BetaStart { get; init; }

    /// <summary><c>beta_end</c>: last beta of linear/scaled_linear/sigmoid (default 0.02).</summary>
    public double? BetaEnd { get; init; }

    /// <summary><c>beta_schedule</c>, one of <see cref="SchedulerConfigValues.BetaSchedules"/> (default linear).</summary>
    public string? BetaSchedule { get; init => field = V.Check(value, V.BetaSchedules, "beta_schedule"); }

    /// <summary><c>trained_betas</c>: explicit betas that replace the schedule.</summary>
    public IReadOnlyList<double>? TrainedBetas { get; init; }

    /// <summary><c>rescale_betas_zero_snr</c>: rescale to zero terminal SNR (Lin et al. 2023, arXiv 2305.08891).</summary>
    public bool? RescaleBetasZeroSnr { get; init; }

    /// <summary><c>prediction_type</c>, one of <see cref="SchedulerConfigValues.PredictionTypes"/> (default epsilon).</summary>
    public string? PredictionType { get; init => field = V.Check(value, V.PredictionTypes, "prediction_type"); }

    /// <summary><c>timestep_spacing</c>, one of <see cref="SchedulerConfigValues.TimestepSpacings"/>.</summary>
    public string? TimestepSpacing { get; init => field = V.Check(value, V.TimestepSpacings, "timestep_spacing"); }

    /// <summary><c>steps_offset</c>: added to "leading" timesteps (default 0).</summary>
    public int? StepsOffset { get; init; }

    /// <summary><c>clip_sample</c>: clamp the predicted x0 to ±<see cref="ClipSampleRange"/>.</summary>
    public bool? ClipSample { get; init; }

    /// <summary><c>clip_sample_range</c> (default 1.0).</summary>
    public double? ClipSampleRange { get; init; }

    /// <summary><c>set_alpha_to_one</c> (DDIM/PNDM): alphā before the first timestep is 1 instead of alphā_0.</summary>
    public bool? SetAlphaToOne { get; init; }

    /// <summary><c>thresholding</c>: dynamic thresholding of x0 (Saharia et al. 2022, arXiv 2205.11487).</summary>
    public bool? Thresholding { get; init; }

    /// <summary><c>dynamic_thresholding_ratio</c>: the percentile of |x0| (default 0.995).</summary>
    public double? DynamicThresholdingRatio { get; init; }

    /// <summary><c>sample_max_value</c>: upper bound of the dynamic threshold (default 1.0).</summary>
    public double? SampleMaxValue { get; init; }

    /// <summary><c>variance_type</c>, one of <see cref="SchedulerConfigValues.VarianceTypes"/>.</summary>
    public string? VarianceType { get; init => field = V.Check(value, V.VarianceTypes, "variance_type"); }

    /// <summary><c>use_karras_sigmas</c> (Karras et al. 2022, eq. 5).</summary>
    public bool? UseKarrasSigmas { get; init; }

    /// <summary><c>use_exponential_sigmas</c>.</summary>
    public bool? UseExponentialSigmas { get; init; }

    /// <summary><c>use_beta_sigmas</c>.</summary>
    public bool? UseBetaSigmas { get; init; }

    /// <summary><c>use_flow_sigmas</c>.</summary>
    public bool? UseFlowSigmas { get; init; }

    /// <summary><c>flow_shift</c>.</summary>
    public double? FlowShift { get; init; }

    /// <summary><c>sigma_min</c>: overrides the schedule's smallest sigma.</summary>
    public double? SigmaMin { get; init; }

    /// <summary><c>sigma_max</c>: overrides the schedule's largest sigma.</summary>
    public double? SigmaMax { get; init; }

    /// <summary><c>timestep_type</c>, one of <see cref="SchedulerConfigValues.TimestepTypes"/>.</summary>
    public string? TimestepType { get; init => field = V.Check(value, V.TimestepTypes, "timestep_type"); }

    /// <summary><c>interpolation_type</c>, one of <see cref="SchedulerConfigValues.InterpolationTypes"/>.</summary>
    public string? InterpolationType { get; init => field = V.Check(value, V.InterpolationTypes, "interpolation_type"); }

    /// <summary><c>final_sigmas_type</c>, one of <see cref="SchedulerConfigValues.FinalSigmasTypes"/>.</summary>
    public string? FinalSigmasType { get; init => field = V.Check(value, V.FinalSigmasTypes, "final_sigmas_type"); }

    /// <summary><c>solver_order</c> of multistep solvers.</summary>
    public int? SolverOrder { get; init; }

    /// <summary><c>algorithm_type</c>, one of <see cref="SchedulerConfigValues.AlgorithmTypes"/>.</summary>
    public string? AlgorithmType { get; init => field = V.Check(value, V.AlgorithmTypes, "algorithm_type"); }

    /// <summary><c>solver_type</c>, one of <see cref="SchedulerConfigValues.SolverTypes"/>.</summary>
    public string? SolverType { get; init => field = V.Check(value, V.SolverTypes, "solver_type"); }

    /// <summary><c>lower_order_final</c>: use lower-order steps at the end (stabilises few-step sampling).</summary>
    public bool? LowerOrderFinal { get; init; }

    /// <summary><c>euler_at_final</c>: make the last step a first-order (Euler) step.</summary>
    public bool? EulerAtFinal { get; init; }

    /// <summary><c>lambda_min_clipped</c>: clip lambda(t) = log(alpha_t / sigma_t) from below (default -inf).</summary>
    public double? LambdaMinClipped { get; init; }

    /// <summary><c>use_lu_lambdas</c>: uniform-in-lambda steps (Lu et al., DPM-Solver++).</summary>
    public bool? UseLuLambdas { get; init; }

    /// <summary><c>use_dynamic_shifting</c> (flow models).</summary>
    public bool? UseDynamicShifting { get; init; }

    /// <summary><c>time_shift_type</c>, one of <see cref="SchedulerConfigValues.TimeShiftTypes"/>.</summary>
    public string? TimeShiftType { get; init => field = V.Check(value, V.TimeShiftTypes, "time_shift_type"); }

    /// <summary><c>shift</c> of flow-matching schedulers.</summary>
    public double? Shift { get; init; }

    /// <summary><c>shift_terminal</c> of flow matching: the schedule is stretched so that its last σ is this value.</summary>
    public double? ShiftTerminal { get; init; }

    /// <summary><c>invert_sigmas</c> of flow matching: step through 1 - σ (diffusers added it for Mochi).</summary>
    public bool? InvertSigmas { get; init; }

    /// <summary><c>stochastic_sampling</c> of flow matching: re-noise the predicted x0 to the next σ at every step.</summary>
    public bool? StochasticSampling { get; init; }

    /// <summary><c>base_shift</c>: μ at <see cref="BaseImageSeqLen"/> for dynamic shifting (default 0.5).</summary>
    public double? BaseShift { get; init; }

    /// <summary><c>max_shift</c>: μ at <see cref="MaxImageSeqLen"/> for dynamic shifting (default 1.15).</summary>
    public double? MaxShift { get; init; }

    /// <summary><c>base_image_seq_len</c> of dynamic shifting (default 256).</summary>
    public int? BaseImageSeqLen { get; init; }

    /// <summary><c>max_image_seq_len</c> of dynamic shifting (default 4096).</summary>
    public int? MaxImageSeqLen { get; init; }

    /// <summary><c>skip_prk_steps</c> of PNDM.</summary>
    public bool? SkipPrkSteps { get; init; }

    /// <summary><c>predict_x0</c> of UniPC.</summary>
    public bool? PredictX0 { get; init; }

    /// <summary><c>disable_corrector</c> of UniPC: step indices without the corrector.</summary>
    public IReadOnlyList<int>? DisableCorrector { get; init; }

    /// <summary><c>sigma_data</c> of the EDM schedulers (Karras et al. 2022).</summary>
    public double? SigmaData { get; init; }

    /// <summary><c>sigma_schedule</c> of the EDM schedulers, one of <see cref="SchedulerConfigValues.SigmaSchedules"/>.</summary>
    public string? SigmaSchedule { get; init => field = V.Check(value, V.SigmaSchedules, "sigma_schedule"); }

    /// <summary><c>rho</c> of the Karras sigma spacing (default 7).</summary>
    public double? Rho { get; init; }

    /// <summary>Keys this record does not model, kept as read so that <see cref="ToJson"/> writes them back.</summary>
    [JsonExtensionData] public IDictionary<string, JsonElement>? ExtensionData { get; init; }

    /// <summary>Reads a <c>scheduler_config.json</c> text.</summary>
    /// <exception cref="ArgumentException">Malformed JSON, a value of the wrong type, or an unknown enum string (the
    /// message names the key and lists the valid values).</exception>
    public static SchedulerConfig FromJson(string json) => SchedulerConfigJson.Parse(json);

    /// <summary>Writes the keys that are set (non-null) as indented JSON, extension keys included.</summary>
    public string ToJson() => SchedulerConfigJson.Write(this);

    /// <summary>Reads a <c>scheduler_config.json</c> file.</summary>
    /// <exception cref="InvalidDataException">The file cannot be parsed; the message names the file and the problem.</exception>
    public static SchedulerConfig Load(string path)
    {
        string text = File.ReadAllText(path);
        try
        {
            return FromJson(text);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>Writes the config to <paramref name="path"/> atomically (temporary file, then rename).</summary>
    public void Save(string path) =>
        IO.AtomicFile.Write(path, stream => stream.Write(System.Text.Encoding.UTF8.GetBytes(ToJson())));
}
