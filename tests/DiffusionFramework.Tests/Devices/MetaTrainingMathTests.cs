using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Diffusion;
using DiffusionFramework.Core.Schedules;
using DiffusionFramework.Core.Training;
using TorchSharp;
using TorchSharp.Modules;

namespace DiffusionFramework.Tests.Devices;

/// <summary>
/// The training side on the meta device: the forward process, targets, conversions, loss weights and loss, the points2d
/// denoiser's forward and backward pass, a batch draw with the plugin's dataset and noise, AdamW and the EMA.
/// Everything the trainer does in a step except reading values (<c>loss.item()</c>, the gradient norm).
/// </summary>
public sealed class MetaTrainingMathTests(Points2dPluginFixture points) : IClassFixture<Points2dPluginFixture>
{
    private static readonly NoiseSchedule Schedule = NoiseSchedule.FromConfig(new SchedulerConfig());

    [Theory]
    [InlineData(DeviceType.META)]
    [InlineData(DeviceType.CPU)]
    public void ForwardProcessStaysOnTheSamplesDevice(DeviceType timestepsDevice)
    {
        using var scope = torch.NewDisposeScope();
        torch.Tensor x0 = torch.randn([8, 2], device: Meta.Device);
        torch.Tensor noise = torch.randn([8, 2], device: Meta.Device);
        torch.Tensor t = torch.arange(0, 800, 100, dtype: torch.int64, device: new torch.Device(timestepsDevice));

        Meta.AssertOn(ForwardProcess.AddNoise(Schedule, x0, noise, t), "AddNoise");
        Meta.AssertOn(ForwardProcess.Velocity(Schedule, x0, noise, t), "Velocity");
        Meta.AssertOn(FlowMatchPath.AddNoise(x0, noise, torch.rand([8], device: new torch.Device(timestepsDevice))),
            "FlowMatchPath.AddNoise");
        Meta.AssertOn(FlowMatchPath.Velocity(x0, noise), "FlowMatchPath.Velocity");
        foreach (PredictionType type in Enum.GetValues<PredictionType>().Where(p => p != PredictionType.Flow))
        {
            torch.Tensor target = ForwardProcess.TrainingTarget(type, Schedule, x0, noise, t);
            Meta.AssertOn(target, $"TrainingTarget({type})");
            Assert.Equal([8L, 2L], target.shape);
            Meta.AssertOn(ForwardProcess.PredictOriginal(type, Schedule, target, x0, t), $"PredictOriginal({type})");
            Meta.AssertOn(ForwardProcess.PredictEpsilon(type, Schedule, target, x0, t), $"PredictEpsilon({type})");
        }
    }

    [Fact]
    public void LossWeightsAndLossStayOnMeta()
    {
        using var scope = torch.NewDisposeScope();
        torch.Tensor t = torch.arange(0, 800, 100, dtype: torch.int64, device: Meta.Device);
        torch.Tensor snr = ForwardProcess.Snr(Schedule, t);
        Meta.AssertOn(snr, "Snr");
        torch.Tensor weights = ForwardProcess.MinSnrLossWeights(snr, 5.0, PredictionType.VPrediction);
        Meta.AssertOn(weights, "MinSnrLossWeights");

        torch.Tensor prediction = torch.randn([8, 5, 3], device: Meta.Device);
        torch.Tensor target = torch.randn([8, 5, 3], device: Meta.Device);
        torch.Tensor mask = torch.ones([8, 5], device: Meta.Device);
        foreach ((torch.Tensor? m, torch.Tensor? w) in new (torch.Tensor?, torch.Tensor?)[] { (null, null), (mask, null), (null, weights), (mask, weights) })
        {
            torch.Tensor loss = DenoisingLoss.Compute(prediction, target, m, w);
            Meta.AssertOn(loss, $"the loss (mask: {m is not null}, weights: {w is not null})");
            Assert.Empty(loss.shape);
        }
    }

    [Theory]
    [InlineData("epsilon")]
    [InlineData("v_prediction")]
    [InlineData("sample")]
    [InlineData("flow_prediction")]
    public void Points2dDenoiserRunsForwardAndBackwardOnMeta(string predictionType)
    {
        using var scope = torch.NewDisposeScope();
        IDenoiser denoiser = points.Modality.CreateDenoiser(points.Network(("prediction_type", predictionType)), Meta.Device);
        using var module = denoiser.Module;
        foreach (var (name, parameter) in module.named_parameters())
            Meta.AssertOn(parameter, name);

        torch.Tensor x = torch.randn([16, 2], device: Meta.Device);
        torch.Tensor t = torch.full([16], 500f, device: Meta.Device);
        torch.Tensor output = denoiser.Forward(x, t, Conditioning.None);
        Meta.AssertOn(output, "the denoiser output");
        Assert.Equal([16L, 2L], output.shape);

        output.square().mean().backward();
        foreach (var (name, parameter) in module.named_parameters())
            Meta.AssertOn(parameter.grad ?? throw new InvalidOperationException($"{name} has no gradient"), $"the gradient of {name}");
    }

    [Theory]
    [InlineData("epsilon")]
    [InlineData("flow_prediction")]
    public void ATrainingStepWithThePluginsDataAndNoiseStaysOnMeta(string predictionType)
    {
        // The trainer's step (Trainer.TrainStep) without its two value reads: draw, noise, predict, loss, backward, AdamW, EMA.
        using var scope = torch.NewDisposeScope();
        var network = points.Network(("prediction_type", predictionType));
        IDenoiser denoiser = points.Modality.CreateDenoiser(network, Meta.Device);
        using var module = denoiser.Module;
        var dataset = points.Modality.OpenDataset(null, network);
        using var generator = new torch.Generator(5);
        var parameters = module.parameters().ToArray();
        using var optimizer = torch.optim.AdamW(parameters, 1e-3);
        using var ema = new ExponentialMovingAverage(module, 0.99);

        bool flow = denoiser.PredictionType == PredictionType.Flow;
        // The Min-SNR-weighted loss (LossWeighting.MinSnr; unit weights for flow): libtorch has no meta kernel for
        // mse_loss's backward pass, which the unweighted loss uses.
        var options = new TrainerOptions { LossWeighting = flow ? LossWeighting.Uniform : LossWeighting.MinSnr };
        var objective = ITrainingObjective.For(denoiser.PredictionType, new SchedulerConfig { Shift = 3 }, Schedule, options);
        var batch = TrainingBatch.Draw(dataset, points.Modality.NoiseSampler, 32, objective, 0, Meta.Device, generator);
        Meta.AssertOn(batch.X0, "the batch");
        Meta.AssertOn(batch.Levels, "the noise levels");
        Meta.AssertOn(batch.Noise, "the noise");
        TrainingProblem problem = objective.Pose(batch.X0, batch.Noise, batch.Levels);
        Meta.AssertOn(problem.Input, "x_t");
        Meta.AssertOn(problem.Timesteps, "the network timesteps");
        Meta.AssertOn(problem.Target, "the target");
        torch.Tensor prediction = denoiser.Forward(problem.Input, problem.Timesteps, batch.Conditioning);
        torch.Tensor weights = problem.Weights ?? torch.ones([32], device: Meta.Device);
        Meta.AssertOn(weights, "the loss weights");
        torch.Tensor loss = DenoisingLoss.Compute(prediction, problem.Target, batch.Conditioning.Mask, weights);
        optimizer.zero_grad();
        loss.backward();
        optimizer.step();
        ema.Update(1);

        foreach (var (name, parameter) in module.named_parameters())
        {
            Meta.AssertOn(parameter, name);
            Meta.AssertOn(parameter.grad!, $"the gradient of {name}");
        }
        foreach (AdamW.State state in optimizer.state_dict().State.Cast<AdamW.State>())
        {
            Meta.AssertOn(state.exp_avg, "AdamW exp_avg");
            Meta.AssertOn(state.exp_avg_sq, "AdamW exp_avg_sq");
        }
        foreach (var (name, shadow) in ema.StateDict())
            Meta.AssertOn(shadow, $"the EMA of {name}");
        (dataset as IDisposable)?.Dispose();
    }
}
