using DiffusionFramework.Abstractions;
using TorchSharp;

namespace DiffusionFramework.Core.Sampling;

/// <summary>
/// Converts a model output of any <see cref="PredictionType"/> into the predicted clean sample x0 or the predicted
/// noise ε, for x_t = α x0 + σ ε (α = √alphā_t, σ = √(1 - alphā_t) in DDPM notation; v = α ε - σ x0, Salimans and
/// Ho 2022, arXiv 2202.00512, eq. 9).
/// </summary>
/// <remarks>
/// α and σ may be tensors broadcastable to the sample or scalars; scalars are used at the sample's precision, so a
/// float32 coefficient multiplies a float64 sample exactly as diffusers' float32 0-dim tensors do.
/// </remarks>
public static class ModelOutputConversion
{
    /// <summary>x0 = (x - σ ε) / α; x0 = α x - σ v; or the output itself for "sample".</summary>
    public static torch.Tensor ToOriginal(PredictionType type, torch.Tensor modelOutput, torch.Tensor sample,
        torch.Tensor alpha, torch.Tensor sigma) => type switch
    {
        PredictionType.Epsilon => (sample - sigma * modelOutput) / alpha,
        PredictionType.VPrediction => alpha * sample - sigma * modelOutput,
        PredictionType.Sample => modelOutput.alias(),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown prediction type"),
    };

    /// <summary>ε = output for "epsilon"; ε = (x - α x0) / σ; ε = α v + σ x.</summary>
    public static torch.Tensor ToEpsilon(PredictionType type, torch.Tensor modelOutput, torch.Tensor sample,
        torch.Tensor alpha, torch.Tensor sigma) => type switch
    {
        PredictionType.Epsilon => modelOutput.alias(),
        PredictionType.VPrediction => alpha * modelOutput + sigma * sample,
        PredictionType.Sample => (sample - alpha * modelOutput) / sigma,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown prediction type"),
    };

    /// <summary><see cref="ToOriginal(PredictionType, torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor)"/> with
    /// scalar α and σ.</summary>
    public static torch.Tensor ToOriginal(PredictionType type, torch.Tensor modelOutput, torch.Tensor sample,
        double alpha, double sigma)
    {
        using var scope = torch.NewDisposeScope();
        return ToOriginal(type, modelOutput, sample, Scalar(alpha, sample), Scalar(sigma, sample))
            .MoveToOuterDisposeScope();
    }

    /// <summary><see cref="ToEpsilon(PredictionType, torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor)"/> with
    /// scalar α and σ.</summary>
    public static torch.Tensor ToEpsilon(PredictionType type, torch.Tensor modelOutput, torch.Tensor sample,
        double alpha, double sigma)
    {
        using var scope = torch.NewDisposeScope();
        return ToEpsilon(type, modelOutput, sample, Scalar(alpha, sample), Scalar(sigma, sample))
            .MoveToOuterDisposeScope();
    }

    private static torch.Tensor Scalar(double value, torch.Tensor like) =>
        torch.tensor(value, dtype: torch.ScalarType.Float64, device: like.device);
}
