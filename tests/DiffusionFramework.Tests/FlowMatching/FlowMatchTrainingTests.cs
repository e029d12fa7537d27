using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Diffusion;
using DiffusionFramework.Core.Noise;
using DiffusionFramework.Core.Sampling;
using DiffusionFramework.Core.Schedules;
using DiffusionFramework.Core.Training;
using DiffusionFramework.Tests.Training;
using static TorchSharp.torch;

namespace DiffusionFramework.Tests.FlowMatching;

/// <summary>
/// The flow-matching objective: the path x_σ = (1 - σ) x0 + σ ε and its target ε - x0, the training levels
/// σ_k = s(k/T) / (1 + (s - 1) k/T) drawn as diffusers' SD3 script draws them (index ⌊u·T⌋ into the descending
/// levels), and the trainer's first loss against the same draws replayed and written out in double.
/// </summary>
public class FlowMatchTrainingTests
{
    private const int T = 100;
    private static readonly SchedulerConfig Shift3 = new() { NumTrainTimesteps = T, Shift = 3.0 };

    private static double Shifted(double shift, double sigma) => shift * sigma / (1 + (shift - 1) * sigma);

    [Fact]
    public void PathAndTargetHaveTheirClosedForms()
    {
        using var scope = NewDisposeScope();
        Tensor x0 = tensor(new[] { 1.0, -2.0, 0.5, 4.0 }).reshape(2, 2);
        Tensor eps = tensor(new[] { 0.5, 3.0, -1.0, 2.0 }).reshape(2, 2);

        // (1 - σ) x0 + σ ε with σ = 0.25 for the first sample and 0.75 for the second.
        Assert.Equal([0.875, -0.75, -0.625, 2.5], FlowMatchPath.AddNoise(x0, eps, tensor(new[] { 0.25, 0.75 })).data<double>().ToArray());
        Assert.Equal([-0.5, 5.0, -1.5, -2.0], FlowMatchPath.Velocity(x0, eps).data<double>().ToArray());
        // One σ for all; σ = 0 is the data, σ = 1 the noise.
        Assert.Equal(x0.data<double>().ToArray(), FlowMatchPath.AddNoise(x0, eps, tensor(0.0)).data<double>().ToArray());
        Assert.Equal(eps.data<double>().ToArray(), FlowMatchPath.AddNoise(x0, eps, tensor(1.0)).data<double>().ToArray());
        Assert.Contains("[3]", Assert.Throws<ArgumentException>(() => FlowMatchPath.AddNoise(x0, eps, ones(3))).Message);
    }

    [Fact]
    public void TrainingLevelsAreTheShiftedGridOfTheScheduler()
    {
        float[] shifted = FlowMatchSigmas.TrainingSigmas(1000, 3.0, dynamicShifting: false);
        float[] dynamic = FlowMatchSigmas.TrainingSigmas(1000, 3.0, dynamicShifting: true);
        Assert.Equal(1000, shifted.Length);
        for (int k = 1000; k >= 1; k--)
        {
            Assert.Equal(Shifted(3, k / 1000.0), shifted[1000 - k], 1e-6);
            Assert.Equal(k / 1000.0, dynamic[1000 - k], 1e-7);
        }
        Assert.Equal(1f, shifted[0]);
    }

    [Fact]
    public void UniformDrawsCoverTheShiftedLevelsWithTheirMeanAndRepeatForASeed()
    {
        using var scope = NewDisposeScope();
        ITrainingObjective objective = ITrainingObjective.For(PredictionType.Flow, Shift3, NoiseSchedule.FromConfig(Shift3),
            new TrainerOptions());
        double[] sigmas = Draw(objective, 20_000, 3);

        // Every draw is one of the levels s(k/T), k = 1..T: unshifting gives k/T.
        foreach (double sigma in sigmas)
        {
            double k = sigma / (3 - 2 * sigma) * T;
            Assert.True(Math.Abs(k - Math.Round(k)) < 1e-3 && Math.Round(k) is >= 1 and <= T, $"σ = {sigma}");
        }
        // E[s u / (1 + (s - 1) u)] over u = k/T, k uniform in 1..T (the continuous value is 1.5 - 0.75 ln 3 ≈ 0.676).
        double expected = Enumerable.Range(1, T).Average(k => Shifted(3, k / (double)T));
        Assert.Equal(expected, sigmas.Average(), 0.006);
        Assert.Equal(sigmas, Draw(objective, 20_000, 3));
        Assert.NotEqual(sigmas, Draw(objective, 20_000, 4));
    }

    [Fact]
    public void LogitNormalDrawsPutTheMedianWhereTheLogisticDoes()
    {
        using var scope = NewDisposeScope();
        var config = new SchedulerConfig { NumTrainTimesteps = 1000 };
        var options = new TrainerOptions { FlowSigmaDensity = FlowSigmaDensity.LogitNormal, FlowLogitMean = 1.0, FlowLogitStd = 0.5 };
        ITrainingObjective objective = ITrainingObjective.For(PredictionType.Flow, config, NoiseSchedule.FromConfig(config), options);
        double[] sigmas = [.. Draw(objective, 20_000, 5).Order()];

        // u = sigmoid(z), z ~ N(1, 0.5²); σ = (T - ⌊uT⌋)/T ≈ 1 - u, so the median σ is 1 - sigmoid(1).
        Assert.Equal(1 - 1 / (1 + Math.Exp(-1)), sigmas[10_000], 0.01);
        // P(σ > 1 - sigmoid(0)) = P(z < 0) = Φ(-2) ≈ 0.0228.
        Assert.Equal(0.0228, sigmas.Count(s => s > 0.5) / 20_000.0, 0.005);
        Assert.All(sigmas, s => Assert.InRange(s, 0.001, 1.0));
    }

    /// <summary>The whole first step: the same draws in the documented order (indices, u, ε), the path, σ·T for the
    /// network and the MSE against ε - x0, written out in double.</summary>
    [Fact]
    public void FirstLossIsTheFlowMatchingObjectiveOfTheSeededDraws()
    {
        const int batch = 16;
        var options = new TrainerOptions { Steps = 1, BatchSize = batch, Seed = 11, EmaDecay = null };
        var data = new BlobDataset();
        using var net = new TinyDenoiser(PredictionType.Flow, T, initSeed: 3);
        using var trainer = new Trainer(net, data, GaussianNoiseSampler.Instance, Shift3, options);
        Assert.Equal("flow_prediction", trainer.Scheduler.PredictionType);
        using var scope = NewDisposeScope();

        using var generator = new Generator(11);
        long[] index = randint(0, data.Count, [batch], dtype: int64, generator: generator).data<long>().ToArray();
        float[] u = rand([batch], generator: generator).data<float>().ToArray();
        float[] eps = randn([batch, 2], generator: generator).data<float>().ToArray();
        float[] points = data.Points.data<float>().ToArray();

        var sigma = new double[batch];
        var xt = new float[batch * 2];
        var target = new double[batch * 2];
        for (int i = 0; i < batch; i++)
        {
            sigma[i] = Shifted(3, (T - (int)(u[i] * T)) / (double)T);
            for (int j = 0; j < 2; j++)
            {
                double x0 = points[2 * index[i] + j];
                xt[2 * i + j] = (float)((1 - sigma[i]) * x0 + sigma[i] * eps[2 * i + j]);
                target[2 * i + j] = eps[2 * i + j] - x0;
            }
        }
        float[] prediction;
        using (no_grad())
            prediction = net.Forward(tensor(xt).reshape(batch, 2), tensor(sigma.Select(s => (float)(s * T)).ToArray()),
                new Conditioning { ClassLabels = tensor(index).remainder(2) }).data<float>().ToArray();
        double expected = prediction.Select((p, k) => Math.Pow(p - target[k], 2)).Average();

        var report = trainer.Train();
        Assert.NotNull(report);
        Assert.Equal(expected, report.Loss, expected * 1e-4);
    }

    [Fact]
    public void OptionsThatDoNotFitThePredictionTypeAreRefused()
    {
        using var flow = new TinyDenoiser(PredictionType.Flow, T, initSeed: 1);
        using var epsilon = new TinyDenoiser(PredictionType.Epsilon, T, initSeed: 1);
        var minSnr = Assert.Throws<ArgumentException>(() => new Trainer(flow, new BlobDataset(), GaussianNoiseSampler.Instance,
            Shift3, new TrainerOptions { LossWeighting = LossWeighting.MinSnr }));
        Assert.Contains("flow_prediction models train with Uniform weighting", minSnr.Message);
        var logitNormal = Assert.Throws<ArgumentException>(() => new Trainer(epsilon, new BlobDataset(),
            GaussianNoiseSampler.Instance, new SchedulerConfig(), new TrainerOptions { FlowSigmaDensity = FlowSigmaDensity.LogitNormal }));
        Assert.Contains("applies to flow_prediction models only; this denoiser predicts epsilon", logitNormal.Message);
        var shift = Assert.Throws<ArgumentException>(() => new Trainer(flow, new BlobDataset(), GaussianNoiseSampler.Instance,
            new SchedulerConfig { Shift = -1 }, new TrainerOptions()));
        Assert.Contains("shift must be positive and finite, got -1", shift.Message);
        Assert.Contains("FlowLogitStd", Assert.Throws<ArgumentException>(() => new TrainerOptions { FlowLogitStd = 0 }.Validate()).Message);
        Assert.Contains("flow_prediction", Assert.Throws<ArgumentException>(() =>
            new Trainer(flow, new BlobDataset(), GaussianNoiseSampler.Instance, new SchedulerConfig { PredictionType = "epsilon" },
                new TrainerOptions())).Message);
    }

    private static double[] Draw(ITrainingObjective objective, int count, ulong seed)
    {
        using var generator = new Generator(seed);
        return objective.DrawLevels(count, generator, CPU).to(float64).data<double>().ToArray();
    }
}
