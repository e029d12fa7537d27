using System.Collections.Concurrent;
using System.IO.Compression;
using System.Text.Json;

namespace DiffusionFramework.Tests.Reference;

/// <summary>
/// Opens the gzipped diffusers reference files under Data/reference/schedulers (see the README.md there), parsing
/// each file once per test run.
/// </summary>
public static class ReferenceData
{
    private static readonly ConcurrentDictionary<string, Lazy<JsonDocument>> Cache = new();

    /// <summary>The folder of the scheduler reference files in the test output.</summary>
    public static string SchedulersFolder { get; } =
        Path.Combine(AppContext.BaseDirectory, "Data", "reference", "schedulers");

    /// <summary>The parsed document of <paramref name="fileName"/> (e.g. "sampling_DDIMScheduler.json").</summary>
    public static JsonDocument Schedulers(string fileName) => Cache.GetOrAdd(fileName,
        name => new Lazy<JsonDocument>(() => Read(Path.Combine(SchedulersFolder, name + ".gz")))).Value;

    private static JsonDocument Read(string path)
    {
        using FileStream file = File.OpenRead(path);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        return JsonDocument.Parse(gzip);
    }

    /// <summary>A JSON array of numbers as doubles.</summary>
    public static double[] Doubles(JsonElement array) =>
        array.EnumerateArray().Select(v => v.GetDouble()).ToArray();
}
