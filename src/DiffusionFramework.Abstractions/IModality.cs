using System.Text.Json.Nodes;
using TorchSharp;

namespace DiffusionFramework.Abstractions;

/// <summary>
/// One kind of data: what a sample looks like, which network denoises it, what its noise is, where its data comes
/// from and how its samples are judged and written. A plugin registers one or more.
/// </summary>
public interface IModality
{
    /// <summary>Unique name used on the command line and in checkpoints (e.g. "points2d").</summary>
    string Name { get; }

    /// <summary>One line for help output.</summary>
    string Description { get; }

    /// <summary>The network hyper-parameters used when the user gives none; stored in checkpoints' config.json.</summary>
    JsonObject DefaultNetworkConfig();

    /// <summary>Training settings that suit this modality's default network and data.</summary>
    TrainingDefaults TrainingDefaults { get; }

    /// <summary>Shape of one sample (without the batch dimension) for a network configuration.</summary>
    long[] SampleShape(JsonObject networkConfig);

    /// <summary>Builds the denoiser described by <paramref name="networkConfig"/> on <paramref name="device"/>.</summary>
    /// <exception cref="ArgumentException">A hyper-parameter is missing or invalid; the message names it.</exception>
    IDenoiser CreateDenoiser(JsonObject networkConfig, torch.Device device);

    /// <summary>The noise this modality diffuses with (training and stochastic samplers).</summary>
    INoiseSampler NoiseSampler { get; }

    /// <summary>Opens a training set: a folder or file of the user's, or the built-in default when null.</summary>
    /// <exception cref="InvalidDataException">The data cannot be read; the message names the file.</exception>
    IDiffusionDataset OpenDataset(string? path, JsonObject networkConfig);

    /// <summary>Conditioning for generating <paramref name="batchSize"/> samples (e.g. class labels from options).</summary>
    Conditioning SamplingConditioning(int batchSize, IReadOnlyDictionary<string, string> options, torch.Device device);

    /// <summary>
    /// Conditioning for generating <paramref name="batchSize"/> samples with the model of <paramref name="networkConfig"/>:
    /// a modality whose conditioning depends on the model (how many classes it has, whether it is conditional at all)
    /// overrides this; the default ignores the configuration. Hosts that have loaded a model call this overload. Added in
    /// contract 1.1.
    /// </summary>
    Conditioning SamplingConditioning(int batchSize, IReadOnlyDictionary<string, string> options,
        JsonObject networkConfig, torch.Device device) => SamplingConditioning(batchSize, options, device);

    /// <summary>Quality measures for samples of a model with <paramref name="networkConfig"/> (e.g. against the
    /// distribution or dataset that configuration trains on).</summary>
    IReadOnlyList<IMetric> CreateMetrics(JsonObject networkConfig);

    /// <summary>Writes generated samples as files.</summary>
    ISampleWriter Writer { get; }

    /// <summary>
    /// Reads the modality's files (img2img and inpainting inputs, masks, context) into tensors, or null when the
    /// modality reads none; img2img, inpaint and <c>--context</c> need it. Added in contract 1.1: modalities built
    /// against 1.0 have none.
    /// </summary>
    ISampleReader? Reader => null;
}

/// <summary>Training settings a modality suggests for its default network.</summary>
/// <param name="Steps">Optimiser steps.</param>
/// <param name="BatchSize">Samples per step.</param>
/// <param name="LearningRate">Peak AdamW learning rate.</param>
/// <param name="WarmupSteps">Linear warm-up steps.</param>
public sealed record TrainingDefaults(int Steps, int BatchSize, double LearningRate, int WarmupSteps);
