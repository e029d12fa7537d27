using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Noise;
using DiffusionFramework.Core.Training;
using DiffusionFramework.Tests.Training;
using static TorchSharp.torch;

namespace DiffusionFramework.Tests.Editing;

/// <summary>
/// Training support for classifier-free guidance (Ho and Salimans 2022, arXiv 2207.12598, Algorithm 1: drop the
/// condition with probability p_uncond): exactly the samples whose uniform draw falls below p train with
/// DropCondition set.
/// </summary>
public class ConditionDropoutTests
{
    [Theory]
    [InlineData(0.3, 5UL)]
    [InlineData(0.1, 6UL)]
    [InlineData(0.9, 7UL)]
    public void TheDrawsBelowTheProbabilityTrainUnconditionally(double probability, ulong seed)
    {
        const int batch = 64;
        var options = new TrainerOptions
        {
            Steps = 1, BatchSize = batch, Seed = (long)seed, EmaDecay = null, ConditionDropProbability = probability,
        };
        var data = new BlobDataset();
        using var net = new TinyDenoiser(PredictionType.Epsilon, TrainerSetup.NumTrainTimesteps, initSeed: 1);
        using var trainer = new Trainer(net, data, GaussianNoiseSampler.Instance, TrainerSetup.Scheduler(), options);
        trainer.Train();

        // The trainer's documented draw order: indices, then one uniform per sample for the dropout.
        using var scope = NewDisposeScope();
        using var generator = new Generator(seed);
        long[] index = randint(0, data.Count, [batch], dtype: int64, generator: generator).data<long>().ToArray();
        float[] u = rand([batch], generator: generator).data<float>().ToArray();
        long[] keptLabels = index.Where((_, i) => !(u[i] < probability)).Select(i => i % 2).ToArray();
        long[] droppedLabels = index.Where((_, i) => u[i] < probability).Select(i => i % 2).ToArray();

        Assert.Equal(2, net.Calls.Count);
        Assert.False(net.Calls[0].Dropped);
        Assert.Equal(keptLabels, net.Calls[0].Labels);
        Assert.True(net.Calls[1].Dropped);
        Assert.Equal(droppedLabels, net.Calls[1].Labels);
        Assert.InRange(droppedLabels.Length, 1, batch - 1);
    }
}
