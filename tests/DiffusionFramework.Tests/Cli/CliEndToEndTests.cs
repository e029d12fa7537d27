using System.Globalization;
using System.Text.Json.Nodes;
using DiffusionFramework.Core.Checkpoints;

namespace DiffusionFramework.Tests.Cli;

/// <summary>The CLI end to end, in-process: list, train, sample, evaluate and resume with the points2d plugin.</summary>
[Collection(CliCollection.Name)]
public sealed class CliEndToEndTests(TrainedRunFixture run) : IDisposable
{
    private readonly ScratchFolder _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public void PluginsListsPoints2dWithItsAssembly()
    {
        CliResult result = CliRunner.Succeed("plugins");

        string assembly = Path.Combine(AppContext.BaseDirectory, "plugins", "Points2d", "Points2d.dll");
        Assert.Contains(result.OutLines, l => l.StartsWith("points2d 1.0.0 [points2d]", StringComparison.Ordinal) && l.EndsWith($"({assembly})", StringComparison.Ordinal));
        Assert.Contains(result.OutLines, l => l.StartsWith("points2d:", StringComparison.Ordinal));
        Assert.DoesNotContain("Failed to load", result.Out);
        Assert.Empty(result.Error);
    }

    [Theory]
    [InlineData("ddpm", "stochastic", "DDPMScheduler")]
    [InlineData("ddim", "deterministic", "DDIMScheduler")]
    [InlineData("euler", "deterministic", "EulerDiscreteScheduler")]
    [InlineData("dpmsolver++", "deterministic", "DPMSolverMultistepScheduler")]
    public void SamplersListsEachBuiltInSamplerWithItsDiffusersName(string name, string kind, string alias)
    {
        CliResult result = CliRunner.Succeed("samplers");

        string line = Assert.Single(result.OutLines, l => l.Split(' ')[0] == name);
        Assert.Contains($" {kind} ", line);
        Assert.Contains(alias, line);
        Assert.Contains("epsilon", line);
    }

    [Fact]
    public void TrainWritesCheckpointFoldersWithConfigAndWeights()
    {
        Assert.True(run.Training.ExitCode == 0, run.Training.ToString());
        Assert.Equal($"Checkpoint: {run.Checkpoint(30)}", Assert.Single(run.Training.OutLines));
        Assert.Equal(["checkpoint-10", "checkpoint-20", "checkpoint-30"],
            Directory.GetDirectories(run.RunFolder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.StartsWith("train points2d 30/30", run.Training.ErrorLines[^1]);

        foreach (int step in new[] { 10, 20, 30 })
        {
            string folder = run.Checkpoint(step);
            Assert.Equal(["config.json", "ema.safetensors", "model.safetensors", "optimizer.safetensors"],
                Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
            JsonNode config = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "config.json")))!;
            Assert.Equal("points2d", (string?)config["plugin_id"]);
            Assert.Equal("points2d", (string?)config["modality"]);
            Assert.Equal(TrainedRunFixture.Hidden, (int?)config["network"]!["hidden"]);
            Assert.Equal(1, (int?)config["network"]!["layers"]);
            Assert.Equal(step, (long?)config["training"]!["step"]);
            Assert.Equal(7, (long?)config["training"]!["seed"]);

            // The MLP's weights have the configured width: input_proj is [hidden, 2], output_proj [2, hidden].
            foreach (string weights in new[] { "model.safetensors", "ema.safetensors" })
            {
                var shapes = SafeTensors.ReadHeader(Path.Combine(folder, weights)).Tensors.ToDictionary(t => t.Name, t => t.Shape.ToArray());
                Assert.Equal([TrainedRunFixture.Hidden, 2L], shapes["input_proj.weight"]);
                Assert.Equal([2L, TrainedRunFixture.Hidden], shapes["output_proj.weight"]);
                Assert.True(shapes.ContainsKey("hidden.0.weight") && !shapes.ContainsKey("hidden.1.weight"), weights);
            }
            var moments = SafeTensors.ReadHeader(Path.Combine(folder, "optimizer.safetensors")).Tensors.ToDictionary(t => t.Name, t => t.Shape.ToArray());
            Assert.Equal([TrainedRunFixture.Hidden, 2L], moments["input_proj.weight.exp_avg"]);
            Assert.Equal([TrainedRunFixture.Hidden, 2L], moments["input_proj.weight.exp_avg_sq"]);
        }
    }

    [Fact]
    public void SampleWritesCountPointsAsCsvAndSvg()
    {
        string output = _scratch["samples"];
        CliResult result = CliRunner.Succeed("sample", run.RunFolder, "--count", "8", "--steps", "5", "--out", output);

        string csv = Path.Combine(output, "sample.csv"), svg = Path.Combine(output, "sample.svg");
        Assert.Equal([csv, svg], Directory.GetFiles(output).Order(StringComparer.Ordinal));
        Assert.Equal([$"Wrote 2 file(s) to {output}:", csv, svg], result.OutLines);
        string[] lines = File.ReadAllLines(csv);
        Assert.Equal("x,y", lines[0]);
        Assert.Equal(8, lines.Length - 1);
        foreach (string line in lines.Skip(1))
        {
            double[] xy = line.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(2, xy.Length);
            Assert.All(xy, v => Assert.True(double.IsFinite(v), line));
        }
        Assert.Contains("<svg", File.ReadAllText(svg));
        Assert.StartsWith("ddim 5/5", result.ErrorLines[^1]);
    }

    [Fact]
    public void SampleIsReproducibleForASeedAndDiffersForAnother()
    {
        byte[] Sample(string name, long seed, string? checkpoint = null, params string[] extra)
        {
            CliRunner.Succeed(["sample", checkpoint ?? run.RunFolder, "--count", "8", "--steps", "5", "--seed", $"{seed}",
                "--out", _scratch[name], .. extra]);
            return File.ReadAllBytes(Path.Combine(_scratch[name], "sample.csv"));
        }

        byte[] first = Sample("a", 3);
        Assert.Equal(first, Sample("b", 3));
        Assert.NotEqual(first, Sample("c", 4));
        // A run folder means its newest checkpoint: the same as naming checkpoint-30, not checkpoint-20.
        Assert.Equal(first, Sample("d", 3, run.Checkpoint(30)));
        Assert.NotEqual(first, Sample("e", 3, run.Checkpoint(20)));
        // A stochastic sampler is reproducible too: its per-step noise comes from the seeded generator.
        byte[] ddpm = Sample("f", 3, null, "--sampler", "ddpm");
        Assert.Equal(ddpm, Sample("g", 3, null, "--sampler", "DDPMScheduler"));
        Assert.NotEqual(ddpm, Sample("h", 4, null, "--sampler", "ddpm"));
    }

    [Fact]
    public void EvalPrintsAMetricRowForTheSamplesAndOneForNoise()
    {
        string[] args = ["eval", run.RunFolder, "--count", "64", "--steps", "5", "--sampler", "dpmsolver++", "--seed", "1"];
        CliResult result = CliRunner.Succeed(args);

        string[] rows = result.OutLines;
        Assert.Equal(3, rows.Length);
        string[] metrics = rows[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // The metrics of the trained configuration only (two moons, the default distribution).
        Assert.Equal(["sliced_wasserstein_two_moons", "mmd_rbf_two_moons"], metrics);
        foreach ((string row, string label) in new[] { (rows[1], "dpmsolver++-5"), (rows[2], "noise N(0,I)") })
        {
            Assert.StartsWith(label + " ", row);
            double[] values = row[label.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(metrics.Length, values.Length);
            Assert.All(values, v => Assert.True(double.IsFinite(v) && v >= 0, row));
        }
        Assert.Equal(result.Out, CliRunner.Succeed(args).Out);
    }

    [Fact]
    public void CancelledCommandsExitWith130AndLeaveNoOutput()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        string samples = _scratch["samples"], training = _scratch["run"];

        CliResult sample = CliRunner.Run(cancelled.Token, "sample", run.RunFolder, "--count", "4", "--steps", "5", "--out", samples);
        CliResult train = CliRunner.Run(cancelled.Token, TrainedRunFixture.TrainArguments(training, 10));

        foreach ((CliResult result, string output) in new[] { (sample, samples), (train, training) })
        {
            Assert.True(result.ExitCode == DiffusionFramework.Cli.ExitCodes.Cancelled, result.ToString());
            Assert.Equal("diffusion: cancelled", Assert.Single(result.ErrorLines));
            Assert.False(Directory.Exists(output), $"{output} was created");
        }
    }

    [Fact]
    public void TrainResumeContinuesTheRunExactly()
    {
        // Resume the shared run from step 20: steps 21-30 must reproduce its checkpoint-30 bit for bit, which they only
        // do if weights, EMA, AdamW moments, learning-rate position and generator state were all restored.
        string copy = _scratch.CopyFolder(run.RunFolder, "resumed");
        Directory.Delete(Path.Combine(copy, "checkpoint-30"), recursive: true);

        CliResult result = CliRunner.Succeed(TrainedRunFixture.TrainArguments(copy, TrainedRunFixture.Steps, "--resume"));

        string resumedFrom = Path.Combine(copy, "checkpoint-20");
        Assert.Equal($"Resuming from {resumedFrom} (step 20).", result.ErrorLines[0]);
        Assert.StartsWith("train points2d 30/30", result.ErrorLines[^1]);
        string original = run.Checkpoint(30), resumed = Path.Combine(copy, "checkpoint-30");
        foreach (string file in new[] { "model.safetensors", "ema.safetensors", "optimizer.safetensors" })
            Assert.True(File.ReadAllBytes(Path.Combine(original, file)).SequenceEqual(File.ReadAllBytes(Path.Combine(resumed, file))), file);
        JsonNode originalTraining = JsonNode.Parse(File.ReadAllText(Path.Combine(original, "config.json")))!["training"]!;
        JsonNode resumedTraining = JsonNode.Parse(File.ReadAllText(Path.Combine(resumed, "config.json")))!["training"]!;
        Assert.Equal(30, (long?)resumedTraining["step"]);
        Assert.Equal((string?)originalTraining["rng_state"], (string?)resumedTraining["rng_state"]);
    }
}
