using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Checkpoints;
using DiffusionFramework.Core.Devices;
using DiffusionFramework.Image.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionFramework.Image.Evaluation;

/// <summary>
/// <c>diffusion train-classifier --out FILE [--steps N] [--seed S] [--device D]</c>: trains the evaluation
/// <see cref="DigitsClassifier"/> with <see cref="DigitsClassifierTraining"/>, reports its accuracy on the test split
/// and writes its weights as safetensors (atomically). The shipped weights were made by this verb with its defaults
/// (see Evaluation/README.md).
/// </summary>
public sealed class TrainClassifierTask : IDiffusionTask
{
    private static readonly DigitsClassifierTrainingOptions Defaults = new();

    /// <inheritdoc />
    public string Name => "train-classifier";

    /// <inheritdoc />
    public string Modality => "image";

    /// <inheritdoc />
    public string Description => "Train the 8x8 digits evaluation classifier (used by the digits metrics) and write its weights.";

    /// <inheritdoc />
    public IReadOnlyList<TaskOption> Options { get; } =
    [
        new("out", "Where to write the weights (.safetensors file).", Required: true),
        new("steps", "AdamW steps.", Default: Defaults.Steps.ToString(CultureInfo.InvariantCulture)),
        new("seed", "Seed of the run's generator.", Default: Defaults.Seed.ToString(CultureInfo.InvariantCulture)),
        new("device", $"Device: {DeviceSelector.Choices}.", Default: "cpu"),
    ];

    /// <inheritdoc />
    /// <exception cref="ArgumentException">--out is missing or empty, or --steps, --seed or --device is invalid.</exception>
    public int Run(TaskInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        IReadOnlyDictionary<string, string> values = invocation.Options;
        if (!values.TryGetValue("out", out string? output) || string.IsNullOrWhiteSpace(output))
            throw new ArgumentException("train-classifier: --out is required (the .safetensors file to write)");
        if (Directory.Exists(output))
            throw new ArgumentException($"train-classifier: --out '{output}' is a folder; give the .safetensors file to write");
        var options = Defaults with
        {
            Steps = Parse(values, "steps", Defaults.Steps),
            Seed = Parse(values, "seed", Defaults.Seed),
        };
        options.Validate();
        Device device = DeviceSelector.Resolve(values.GetValueOrDefault("device") ?? "cpu");

        TextWriter log = invocation.Output;
        var clock = Stopwatch.StartNew();
        using DigitsClassifier classifier = DigitsClassifierTraining.Train(options, device, (step, loss) =>
        {
            if ((step + 1) % 100 == 0 || step + 1 == options.Steps)
                log.WriteLine($"step {step + 1}/{options.Steps}  loss {loss:F4}");
        }, cancellationToken);
        double seconds = clock.Elapsed.TotalSeconds;

        var (images, labels) = DigitsData.Load(DigitsSplit.Test, device);
        long testCount = labels.shape[0];
        double accuracy;
        using (images)
        using (labels)
            accuracy = DigitsClassifierTraining.Accuracy(classifier, images, labels);
        var metadata = new Dictionary<string, string>
        {
            ["format"] = "pt",
            ["produced_by"] = $"diffusion train-classifier --steps {options.Steps} --seed {options.Seed}",
            ["test_accuracy"] = accuracy.ToString("F4", CultureInfo.InvariantCulture),
        };
        SafeTensors.Write(output, classifier.state_dict(), metadata);
        log.WriteLine($"test accuracy {accuracy:P2} ({testCount} digits), trained in {seconds:F1} s");
        log.WriteLine($"weights: {Path.GetFullPath(output)}");
        return 0;
    }

    private static T Parse<T>(IReadOnlyDictionary<string, string> values, string name, T fallback)
        where T : IBinaryInteger<T> =>
        !values.TryGetValue(name, out string? text)
            ? fallback
            : T.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out T? value)
                ? value
                : throw new ArgumentException($"train-classifier: --{name} must be an integer, got '{text}'");
}
