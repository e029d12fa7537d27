using System.Text.Json.Nodes;
using DiffusionFramework.Core.Checkpoints;
using static TorchSharp.torch;

namespace DiffusionFramework.Tests.Checkpoints;

/// <summary>config.json: its snake_case layout, round trip, and one-line errors naming the file.</summary>
public class CheckpointConfigTests
{
    /// <summary>A config.json written by hand from the documented layout.</summary>
    private const string HandWritten = """
        {
          "format_version": 1,
          "plugin_id": "mnist",
          "plugin_version": "0.3.0",
          "modality": "image",
          "network": { "channels": [32, 64], "attention": true },
          "scheduler": { "_class_name": "DDPMScheduler", "beta_schedule": "linear", "beta_start": 0.0001, "trained_betas": null },
          "prediction_type": "sample",
          "training": {
            "step": 12, "epoch": 1, "samples_seen": 768, "seed": -7, "rng_state": "AAEC/w==",
            "optimizer": "AdamW", "optimizer_scalars": { "lr": 0.0002 }
          },
          "created_by": "someone",
          "created_by_version": "9.9",
          "a_future_key": "ignored",
        }
        """;

    [Fact]
    public void HandWrittenConfigParsesIntoTheRecord()
    {
        CheckpointConfig c = CheckpointConfig.FromJson(HandWritten, "config.json");

        Assert.Equal(("mnist", "0.3.0", "image", "sample"), (c.PluginId, c.PluginVersion, c.Modality, c.PredictionType));
        Assert.Equal(Abstractions.PredictionType.Sample, c.ParsePredictionType());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{ "channels": [32, 64], "attention": true }"""), c.Network));
        Assert.Equal("DDPMScheduler", (string?)c.Scheduler["_class_name"]);
        Assert.Equal(0.0001, (double?)c.Scheduler["beta_start"]);
        Assert.True(c.Scheduler.ContainsKey("trained_betas"));
        Assert.Equal((12L, 1L, 768L, -7L, "AdamW"), (c.Training.Step, c.Training.Epoch, c.Training.SamplesSeen, c.Training.Seed!.Value, c.Training.Optimizer!));
        Assert.Equal(new byte[] { 0, 1, 2, 255 }, c.Training.RngState);
        Assert.Equal(0.0002, (double?)c.Training.OptimizerScalars["lr"]);
        Assert.Equal(("someone", "9.9"), (c.CreatedBy, c.CreatedByVersion));
    }

    [Fact]
    public void ToJsonUsesSnakeCaseKeysAndRoundTrips()
    {
        CheckpointConfig c = CheckpointConfig.FromJson(HandWritten, "config.json");
        string json = c.ToJson();
        JsonObject written = JsonNode.Parse(json)!.AsObject();

        Assert.Equal(
            new[] { "format_version", "plugin_id", "plugin_version", "modality", "network", "scheduler", "prediction_type", "training", "created_by", "created_by_version" },
            written.Select(p => p.Key));
        Assert.Equal("AAEC/w==", (string?)written["training"]!["rng_state"]);
        Assert.Equal(json, CheckpointConfig.FromJson(json, "config.json").ToJson());
    }

    [Fact]
    public void DefaultsDescribeAFreshRun()
    {
        var c = new CheckpointConfig { PluginId = "p", PluginVersion = "1.0.0", Modality = "m" };
        Assert.Equal((1, "epsilon", 0L, "DiffusionFramework"), (c.FormatVersion, c.PredictionType, c.Training.Step, c.CreatedBy));
        JsonObject written = JsonNode.Parse(c.ToJson())!.AsObject();
        Assert.False(written["training"]!.AsObject().ContainsKey("seed"));
    }

    public static TheoryData<string, string> Invalid() => new()
    {
        { "{ \"plugin_id\": ", "not a valid checkpoint config (" },
        { "[]", "not a valid checkpoint config (" },
        { "null", "not a valid checkpoint config (the JSON is null)" },
        { """{ "plugin_version": "1", "modality": "m" }""", "missing required properties including: 'plugin_id'" },
        { """{ "plugin_id": null, "plugin_version": "1", "modality": "m" }""", "not a valid checkpoint config (" },
        { """{ "plugin_id": " ", "plugin_version": "1", "modality": "m" }""", "plugin_id is empty" },
        { """{ "plugin_id": "p", "plugin_version": "1", "modality": "m", "format_version": 2 }""", "format_version 2 was written by a newer DiffusionFramework; this build reads up to 1" },
        { """{ "plugin_id": "p", "plugin_version": "1", "modality": "m", "format_version": 0 }""", "format_version 0 is not a valid checkpoint format" },
        { """{ "plugin_id": "p", "plugin_version": "1", "modality": "m", "prediction_type": "v" }""", "prediction_type 'v' is not one of epsilon, v_prediction, sample" },
        { """{ "plugin_id": "p", "plugin_version": "1", "modality": "m", "network": 3 }""", "not a valid checkpoint config (" },
        { """{ "plugin_id": "p", "plugin_version": "1", "modality": "m", "training": { "step": -1 } }""", "training counters must not be negative" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void InvalidConfigGivesOneLineErrorNamingTheFile(string json, string problem)
    {
        var error = Assert.Throws<InvalidDataException>(() => CheckpointConfig.FromJson(json, "/x/config.json"));
        Assert.StartsWith("/x/config.json: ", error.Message);
        Assert.Contains(problem, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void FolderProblemsNameTheFolderOrFile()
    {
        using var scope = NewDisposeScope();
        using var temp = new TempFolder();
        string folder = temp.File("ckpt");
        string config = Path.Combine(folder, "config.json");

        Assert.Equal($"{folder}: checkpoint folder does not exist", Assert.Throws<DirectoryNotFoundException>(() => Checkpoint.Load(folder)).Message);

        Directory.CreateDirectory(folder);
        Assert.Equal($"{config}: missing; {folder} is not a checkpoint folder", Assert.Throws<FileNotFoundException>(() => Checkpoint.LoadConfig(folder)).Message);

        using (var huge = System.IO.File.Create(config))
            huge.SetLength(Checkpoint.MaxConfigBytes + 1);
        Assert.Equal($"{config}: 16777217 bytes, more than the 16777216 a checkpoint config may have",
            Assert.Throws<InvalidDataException>(() => Checkpoint.LoadConfig(folder)).Message);

        System.IO.File.WriteAllText(config, "{ \"plugin_id\": \"p\", ");
        Assert.StartsWith($"{config}: not a valid checkpoint config (", Assert.Throws<InvalidDataException>(() => Checkpoint.Load(folder)).Message);

        System.IO.File.WriteAllText(config, """{ "plugin_id": "audio", "plugin_version": "0.1.0", "modality": "audio" }""");
        Assert.Equal($"{config}: checkpoint belongs to plugin 'audio' 0.1.0, not 'points2d'",
            Assert.Throws<InvalidDataException>(() => Checkpoint.Load(folder, expectedPluginId: "points2d")).Message);
        Assert.Equal($"{Path.Combine(folder, "model.safetensors")}: missing from the checkpoint",
            Assert.Throws<FileNotFoundException>(() => Checkpoint.Load(folder)).Message);

        System.IO.File.WriteAllBytes(Path.Combine(folder, "model.safetensors"), [1, 2, 3]);
        Assert.StartsWith($"{Path.Combine(folder, "model.safetensors")}: file is 3 bytes",
            Assert.Throws<InvalidDataException>(() => Checkpoint.Load(folder)).Message);
    }

    [Fact]
    public void MissingFolderPointsAtTheBackupOfAnInterruptedSave()
    {
        using var temp = new TempFolder();
        string folder = temp.File("ckpt");
        string backup = temp.File(".ckpt.replaced-0123");
        Directory.CreateDirectory(backup);

        var error = Assert.Throws<DirectoryNotFoundException>(() => Checkpoint.LoadConfig(folder));

        Assert.Equal($"{folder}: checkpoint folder does not exist; an interrupted save left the previous checkpoint in {backup}", error.Message);
    }
}
