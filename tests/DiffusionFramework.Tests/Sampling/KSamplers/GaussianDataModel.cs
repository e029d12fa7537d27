using DiffusionFramework.Abstractions;
using TorchSharp;

namespace DiffusionFramework.Tests.Sampling.KSamplers;

/// <summary>
/// The exact denoiser of Gaussian data x0 ~ N(0, s² I): D(x; σ) = x · s² / (s² + σ²), served as a diffusers model
/// output (ε, v or x0) from the scaled input x / √(σ² + 1). Its probability-flow ODE dx/dσ = (x - D) / σ has the closed
/// form x(σ) = x(σ_0) · √((s² + σ²) / (s² + σ_0²)), an expectation independent of any sampler code.
/// </summary>
/// <remarks>The model is told σ of each call by its call index (<paramref name="inputSigmas"/>), since a
/// diffusers model only sees the timestep.</remarks>
/// <param name="dataStd">s.</param>
/// <param name="prediction">What the model outputs.</param>
/// <param name="inputSigmas">σ of the model's i-th call.</param>
internal sealed class GaussianDataModel(double dataStd, PredictionType prediction, IReadOnlyList<double> inputSigmas)
{
    private int _calls;

    /// <summary>The model callable (x_in, t) → output for the sampling loop.</summary>
    public torch.Tensor Predict(torch.Tensor modelInput, torch.Tensor timestep)
    {
        double sigma = inputSigmas[_calls++];
        double root = Math.Sqrt(sigma * sigma + 1);
        double s2 = dataStd * dataStd;
        double denoisedPerInput = root * s2 / (s2 + sigma * sigma); // D = x_in · √(σ²+1) · s²/(s²+σ²)
        return prediction switch
        {
            // ε = (x - D) / σ = x σ / (s² + σ²)
            PredictionType.Epsilon => modelInput * (root * sigma / (s2 + sigma * sigma)),
            // v = (x/(σ²+1) - D) · √(σ²+1) / σ, the inverse of D = -σ/√(σ²+1) v + x/(σ²+1)
            PredictionType.VPrediction => modelInput * ((1 / root - denoisedPerInput) * root / sigma),
            _ => modelInput * denoisedPerInput,
        };
    }

    /// <summary>The exact ODE solution at σ, started from x_start at σ_start.</summary>
    public static double[] Solution(double[] xStart, double sigmaStart, double sigma, double dataStd)
    {
        double s2 = dataStd * dataStd;
        double factor = Math.Sqrt((s2 + sigma * sigma) / (s2 + sigmaStart * sigmaStart));
        return Array.ConvertAll(xStart, x => x * factor);
    }
}
