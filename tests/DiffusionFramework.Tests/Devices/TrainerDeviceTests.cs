using DiffusionFramework.Core.Pipelines;
using DiffusionFramework.Core.Training;
using TorchSharp;
using TorchSharp.Modules;

namespace DiffusionFramework.Tests.Devices;

/// <summary>
/// Where the trainer keeps its state. A full step cannot run on meta (it reads the loss and the gradient norm), so the
/// trainer is built on meta, and a CPU step is checked tensor by tensor; <see cref="MetaTrainingMathTests"/> runs the
/// step's tensor work on meta.
/// </summary>
public sealed class TrainerDeviceTests(Points2dPluginFixture points) : IClassFixture<Points2dPluginFixture>
{
    [Fact]
    public void ATrainerOnMetaMovesTheNetworkAndKeepsOptimizerAndEmaThere()
    {
        // The network is built on the CPU; the trainer's device is meta: everything it holds must follow.
        using var model = DiffusionModel.Create(points.Modality, points.Plugin, torch.CPU);
        var dataset = points.Modality.OpenDataset(null, model.NetworkConfig);
        var options = new TrainerOptions { Steps = 1, BatchSize = 8, Device = "meta" };
        using var trainer = new Trainer(model.Denoiser, dataset, points.Modality.NoiseSampler, model.Scheduler, options);

        AssertStateOn(trainer, DeviceType.META, expectGradients: false);
        (dataset as IDisposable)?.Dispose();
    }

    [Fact]
    public void AfterACpuStepEveryParameterGradientMomentAndEmaTensorIsOnTheCpu()
    {
        using var model = DiffusionModel.Create(points.Modality, points.Plugin, torch.CPU);
        var dataset = points.Modality.OpenDataset(null, model.NetworkConfig);
        using var trainer = model.CreateTrainer(dataset, new TrainerOptions { Steps = 2, BatchSize = 8, Device = "cpu" });

        TrainingProgress? last = trainer.Train();

        Assert.Equal(2L, last?.Step);
        Assert.True(double.IsFinite(last!.Loss));
        AssertStateOn(trainer, DeviceType.CPU, expectGradients: true);
        (dataset as IDisposable)?.Dispose();
    }

    private static void AssertStateOn(Trainer trainer, DeviceType device, bool expectGradients)
    {
        void On(torch.Tensor tensor, string what) =>
            Assert.True(tensor.device_type == device, $"{what} is on {tensor.device}, not {device}");

        foreach (var (name, parameter) in trainer.Denoiser.Module.named_parameters())
        {
            On(parameter, name);
            if (expectGradients)
                On(parameter.grad ?? throw new InvalidOperationException($"{name} has no gradient"), $"the gradient of {name}");
        }
        var states = trainer.Optimizer.state_dict().State.Cast<AdamW.State>().ToList();
        Assert.Equal(trainer.Denoiser.Module.parameters().Count(), states.Count);
        foreach (AdamW.State state in states)
        {
            On(state.exp_avg, "AdamW exp_avg");
            On(state.exp_avg_sq, "AdamW exp_avg_sq");
        }
        Assert.NotNull(trainer.Ema);
        foreach (var (name, shadow) in trainer.Ema.StateDict())
            On(shadow, $"the EMA of {name}");
    }
}
