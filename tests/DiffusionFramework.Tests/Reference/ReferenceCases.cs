using System.Collections.Concurrent;
using System.Text.Json;
using DiffusionFramework.Core.Schedules;
using TorchSharp;

namespace DiffusionFramework.Tests.Reference;

/// <summary>
/// The sampling cases of the diffusers reference files and the synthetic model they were computed with. Cases are
/// looked up by id so that xunit theories can enumerate them by name.
/// </summary>
public static class ReferenceCases
{
    private static readonly ConcurrentDictionary<string, IReadOnlyList<SamplingCase>> Cache = new();

    /// <summary>All cases of sampling_<paramref name="schedulerClass"/>.json.</summary>
    public static IReadOnlyList<SamplingCase> Sampling(string schedulerClass) =>
        Cache.GetOrAdd(schedulerClass, Load);

    /// <summary>The case with <paramref name="id"/>.</summary>
    public static SamplingCase Sampling(string schedulerClass, string id) =>
        Sampling(schedulerClass).Single(c => c.Id == id);

    /// <summary>Case ids as xunit member data.</summary>
    public static TheoryData<string> SamplingIds(string schedulerClass)
    {
        var data = new TheoryData<string>();
        foreach (SamplingCase c in Sampling(schedulerClass))
        {
            data.Add(c.Id);
        }

        return data;
    }

    /// <summary>
    /// The reference files' synthetic model, elementwise in float64: s = 1 - t/1000; a = 1 - 0.5 s²; b = 0.1 s;
    /// out = x·a + b·tanh(x). <paramref name="t"/> is the loop's timestep tensor [B] (all entries equal).
    /// </summary>
    public static torch.Tensor SyntheticModel(torch.Tensor x, torch.Tensor t)
    {
        double tValue = t.flatten()[0].to(torch.ScalarType.Float64).item<double>();
        double s = 1.0 - tValue / 1000.0;
        double a = 1.0 - 0.5 * (s * s);
        double b = 0.1 * s;
        using torch.Tensor x64 = x.to(torch.ScalarType.Float64);
        using torch.Tensor scaled = x64 * a;
        using torch.Tensor tanh = x64.tanh();
        using torch.Tensor bent = tanh * b;
        using torch.Tensor result = scaled + bent;
        return result.to(x.dtype);
    }

    /// <summary>A flat reference list as a float64 tensor of shape [2,3,4,4] on CPU.</summary>
    public static torch.Tensor ToTensor(double[] values) =>
        torch.tensor(values, dtype: torch.ScalarType.Float64).reshape(SamplingCase.Shape);

    private static IReadOnlyList<SamplingCase> Load(string schedulerClass)
    {
        JsonElement root = ReferenceData.Schedulers($"sampling_{schedulerClass}.json").RootElement;
        return root.GetProperty("cases").EnumerateArray().Select(Parse).ToArray();
    }

    private static SamplingCase Parse(JsonElement c)
    {
        double[]? sigmas = c.GetProperty("sigmas").ValueKind == JsonValueKind.Null
            ? null
            : ReferenceData.Doubles(c.GetProperty("sigmas"));
        double[]?[]? noises = c.TryGetProperty("step_noises", out JsonElement n) && n.ValueKind == JsonValueKind.Array
            ? n.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Null ? null : ReferenceData.Doubles(e)).ToArray()
            : null;
        return new SamplingCase(
            c.GetProperty("id").GetString()!,
            SchedulerConfig.FromJson(c.GetProperty("config").GetRawText()),
            c.GetProperty("num_inference_steps").GetInt32(),
            c.TryGetProperty("set_timesteps_kwargs", out JsonElement setTimesteps) ? setTimesteps.Clone() : default,
            c.GetProperty("step_kwargs").Clone(),
            ReferenceData.Doubles(c.GetProperty("timesteps")),
            sigmas,
            c.GetProperty("init_noise_sigma").GetDouble(),
            ReferenceData.Doubles(c.GetProperty("x_T")),
            c.GetProperty("samples").EnumerateArray().Select(ReferenceData.Doubles).ToArray(),
            noises,
            c.GetProperty("float32_run_max_rel_diff").GetDouble(),
            c.GetProperty("tags").Clone());
    }
}
