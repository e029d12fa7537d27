using System.Text.Json.Nodes;
using DiffusionFramework.Core.Checkpoints;
using TorchSharp;
using static DiffusionFramework.Tests.Checkpoints.SafeTensorsTestFiles;
using static TorchSharp.torch;

namespace DiffusionFramework.Tests.Checkpoints;

/// <summary>Checkpoint folders save and load bit-exactly, check shapes on load, and replace atomically.</summary>
public class CheckpointTests
{
    /// <summary>A network whose state_dict keys are <c>fc1.weight, fc1.bias, fc2.weight, fc2.bias</c>.</summary>
    private sealed class TwoLayer : nn.Module<Tensor, Tensor>
    {
        private readonly nn.Module<Tensor, Tensor> fc1;
        private readonly nn.Module<Tensor, Tensor> fc2;

        public TwoLayer(int hidden) : base(nameof(TwoLayer))
        {
            fc1 = nn.Linear(2, hidden);
            fc2 = nn.Linear(hidden, 2);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) => fc2.forward(nn.functional.relu(fc1.forward(x)));
    }

    private static CheckpointConfig Config(string pluginId = "points2d") => new()
    {
        PluginId = pluginId,
        PluginVersion = "1.2.3",
        Modality = "points",
        Network = new JsonObject { ["hidden"] = 64, ["layers"] = new JsonArray(2, 64, 2) },
        Scheduler = new JsonObject { ["num_train_timesteps"] = 1000, ["beta_schedule"] = "squaredcos_cap_v2", ["trained_betas"] = null },
        PredictionType = "v_prediction",
        Training = new CheckpointTrainingState
        {
            Step = 1500, Epoch = 3, SamplesSeen = 96000, Seed = 42, RngState = [1, 2, 3, 250],
            Optimizer = "AdamW", OptimizerScalars = new JsonObject { ["lr"] = 1e-3, ["betas"] = new JsonArray(0.9, 0.999) },
        },
    };

    private static Dictionary<string, byte[]> Snapshot(string folder) =>
        Directory.GetFiles(folder).ToDictionary(f => Path.GetFileName(f), System.IO.File.ReadAllBytes);

    [Fact]
    public void SaveThenLoadIsBitExact()
    {
        using var scope = NewDisposeScope();
        using var temp = new TempFolder();
        string folder = temp.File("ckpt");
        var model = nn.Sequential(nn.Linear(2, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 2));
        var ema = nn.Sequential(nn.Linear(2, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 2));
        var optimizer = new Dictionary<string, Tensor>
        {
            ["state.0.exp_avg"] = randn(64, 2), ["state.0.step"] = tensor(1500L), ["scale"] = randn(3, dtype: ScalarType.Float64),
        };

        Checkpoint.Save(folder, Config(), model, ema, optimizer);
        using LoadedCheckpoint loaded = Checkpoint.Load(folder, CPU, expectedPluginId: "points2d");

        foreach (var (expected, actual) in new[] { (model.state_dict(), loaded.Model), (ema.state_dict(), loaded.Ema!), (optimizer, loaded.OptimizerState!) })
        {
            Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
            foreach (var (name, tensor) in expected)
            {
                Assert.Equal(tensor.dtype, actual[name].dtype);
                Assert.Equal(BytesOf(tensor.detach()), BytesOf(actual[name]));
            }
        }
        Assert.Equal(new[] { "0.bias", "0.weight", "2.bias", "2.weight", "4.bias", "4.weight" }, loaded.Model.Keys.Order());
        Assert.Equal(Config().ToJson(), loaded.Config.ToJson());
        Assert.Equal(new Dictionary<string, string> { ["format"] = "pt" }, SafeTensors.ReadHeader(Path.Combine(folder, "model.safetensors")).Metadata);
        Assert.Equal(new[] { "config.json", "ema.safetensors", "model.safetensors", "optimizer.safetensors" }, Directory.GetFiles(folder).Select(Path.GetFileName).Order());
        Assert.Equal(new[] { folder }, Directory.GetFileSystemEntries(temp.Path));
    }

    [Fact]
    public void LoadIntoCopiesWeightsIntoAnExistingNetwork()
    {
        using var scope = NewDisposeScope();
        using var temp = new TempFolder();
        string folder = temp.File("ckpt");
        var saved = new TwoLayer(64);
        var ema = new TwoLayer(64);
        Checkpoint.Save(folder, Config(), saved, ema);

        var restored = new TwoLayer(64);
        var restoredEma = new TwoLayer(64);
        CheckpointConfig config = Checkpoint.LoadInto(folder, restored, restoredEma);

        Assert.Equal("v_prediction", config.PredictionType);
        Assert.Equal(Abstractions.PredictionType.VPrediction, config.ParsePredictionType());
        foreach (var (source, destination) in new[] { (saved, restored), (ema, restoredEma) })
        {
            foreach (var (name, tensor) in source.state_dict())
                Assert.Equal(BytesOf(tensor.detach()), BytesOf(destination.state_dict()[name].detach()));
        }
        Tensor x = randn(5, 2);
        Assert.Equal(BytesOf(saved.forward(x).detach()), BytesOf(restored.forward(x).detach()));
    }

    [Fact]
    public void ShapeMismatchNamesTheTensorBothShapesAndLeavesTheNetworkUntouched()
    {
        using var scope = NewDisposeScope();
        using var temp = new TempFolder();
        string folder = temp.File("ckpt");
        Checkpoint.Save(folder, Config(), new TwoLayer(64));
        var network = new TwoLayer(128);
        byte[] before = BytesOf(network.state_dict()["fc1.weight"].detach());

        var error = Assert.Throws<InvalidDataException>(() => Checkpoint.LoadInto(folder, network));

        string file = Path.Combine(folder, "model.safetensors");
        Assert.Equal(
            $"{file}: tensor 'fc1.weight' has shape [64,2] but the network expects [128,2]; " +
            "tensor 'fc1.bias' has shape [64] but the network expects [128]; " +
            "tensor 'fc2.weight' has shape [2,64] but the network expects [2,128]",
            error.Message);
        Assert.Equal(before, BytesOf(network.state_dict()["fc1.weight"].detach()));
    }

    [Fact]
    public void MissingAndUnexpectedKeysAreListed()
    {
        using var scope = NewDisposeScope();
        using var temp = new TempFolder();
        string folder = temp.File("ckpt");
        Checkpoint.Save(folder, Config(), nn.Sequential(nn.Linear(2, 4), nn.ReLU(), nn.Linear(4, 2)));
        string file = Path.Combine(folder, "model.safetensors");

        var fewer = Assert.Throws<InvalidDataException>(() => Checkpoint.LoadInto(folder, nn.Sequential(nn.Linear(2, 4))));
        var more = Assert.Throws<InvalidDataException>(() => Checkpoint.LoadInto(folder, nn.Sequential(nn.Linear(2, 4), nn.ReLU(), nn.Linear(4, 2), nn.Linear(2, 2))));
        var noEma = Assert.Throws<FileNotFoundException>(() => Checkpoint.LoadInto(folder, nn.Sequential(nn.Linear(2, 4), nn.ReLU(), nn.Linear(4, 2)), nn.Sequential()));

        Assert.Equal($"{file}: unexpected keys (in the file, not in the network): '2.bias', '2.weight'", fewer.Message);
        Assert.Equal($"{file}: missing keys (in the network, not in the file): '3.weight', '3.bias'", more.Message);
        Assert.StartsWith(Path.Combine(folder, "ema.safetensors") + ": missing", noEma.Message);
    }

    [Fact]
    public void FailedSaveLeavesThePreviousCheckpointIntact()
    {
        using var scope = NewDisposeScope();
        using var temp = new TempFolder();
        string folder = temp.File("ckpt");
        Checkpoint.Save(folder, Config(), new TwoLayer(64), new TwoLayer(64));
        Dictionary<string, byte[]> before = Snapshot(folder);
        // model.safetensors of the new checkpoint is written, then the EMA fails: its weights live on the meta
        // device, which has shapes but no data.
        var brokenEma = new TwoLayer(64);
        brokenEma.to(device("meta"));

        var error = Assert.Throws<InvalidOperationException>(() => Checkpoint.Save(folder, Config() with { PluginVersion = "2.0.0" }, new TwoLayer(64), brokenEma));

        Assert.Contains("ema.safetensors: cannot copy the data of tensor", error.Message);
        Assert.Equal(before, Snapshot(folder));
        Assert.Equal(new[] { folder }, Directory.GetFileSystemEntries(temp.Path));
        Assert.Equal("1.2.3", Checkpoint.LoadConfig(folder).PluginVersion);
    }

    [Fact]
    public void SuccessfulSaveReplacesTheOldCheckpointCompletely()
    {
        using var scope = NewDisposeScope();
        using var temp = new TempFolder();
        string folder = temp.File("ckpt");
        Checkpoint.Save(folder, Config(), new TwoLayer(64), new TwoLayer(64), new Dictionary<string, Tensor> { ["m"] = ones(2) });
        var newer = new TwoLayer(8);

        Checkpoint.Save(folder, Config() with { PluginVersion = "2.0.0" }, newer);

        using LoadedCheckpoint loaded = Checkpoint.Load(folder);
        Assert.Equal("2.0.0", loaded.Config.PluginVersion);
        Assert.Null(loaded.Ema);
        Assert.Null(loaded.OptimizerState);
        Assert.Equal(new long[] { 8, 2 }, loaded.Model["fc1.weight"].shape);
        Assert.Equal(new[] { folder }, Directory.GetFileSystemEntries(temp.Path));
    }

    [Fact]
    public void SaveRefusesToReplaceAFolderThatIsNotACheckpoint()
    {
        using var scope = NewDisposeScope();
        using var temp = new TempFolder();
        string folder = temp.File("photos");
        Directory.CreateDirectory(folder);
        System.IO.File.WriteAllText(Path.Combine(folder, "precious.txt"), "keep me");

        var error = Assert.Throws<IOException>(() => Checkpoint.Save(folder, Config(), new TwoLayer(4)));

        Assert.Equal($"{folder}: refusing to replace it: it is not a checkpoint folder (no config.json)", error.Message);
        Assert.Equal("keep me", System.IO.File.ReadAllText(Path.Combine(folder, "precious.txt")));
        Assert.Equal(new[] { folder }, Directory.GetFileSystemEntries(temp.Path));
    }

    [Fact]
    public void SaveRejectsAnInvalidConfigBeforeWritingAnything()
    {
        using var scope = NewDisposeScope();
        using var temp = new TempFolder();
        var error = Assert.Throws<ArgumentException>(() => Checkpoint.Save(temp.File("c"), Config() with { PredictionType = "eps" }, new TwoLayer(4)));
        Assert.StartsWith("invalid checkpoint config: prediction_type 'eps' is not one of epsilon, v_prediction, sample", error.Message);
        Assert.Empty(Directory.GetFileSystemEntries(temp.Path));
    }
}
