using DiffusionFramework.Abstractions;
using TorchSharp;

namespace DiffusionFramework.Core.Sampling;

/// <summary>What an exponential-integrator solver integrates and how it reads the model.</summary>
/// <param name="Prediction">What the model predicts.</param>
/// <param name="DataPrediction">Integrate the data prediction x0 (DPM-Solver++, UniPC with predict_x0) rather than
/// the noise prediction ε (DPM-Solver).</param>
/// <param name="LearnedVariance">The model also outputs a variance in the second half of its channels.</param>
/// <param name="Thresholding">Dynamic thresholding of x0, or null.</param>
internal sealed record SolverOutputTarget(PredictionType Prediction, bool DataPrediction, bool LearnedVariance,
    SampleLimits? Thresholding);

/// <summary>
/// Turns a model output into what the solver integrates: the data prediction x0 for DPM-Solver++, the noise
/// prediction ε for DPM-Solver (diffusers' <c>convert_model_output</c>), with x_t = α_t x0 + σ_t ε and
/// v = α_t ε - σ_t x0 (Salimans and Ho 2022, arXiv 2202.00512).
/// </summary>
internal static class DpmSolverModelOutput
{
    /// <summary>Converts <paramref name="modelOutput"/> at level <paramref name="level"/> of sample
    /// <paramref name="sample"/> (in its own dtype, before any float32 cast of a solver).</summary>
    public static torch.Tensor Convert(SolverOutputTarget target, VpNoiseLevel level, torch.Tensor modelOutput,
        torch.Tensor sample)
    {
        if (target.LearnedVariance && target.Prediction == PredictionType.Epsilon)
        {
            // The mean is the first half of the channels; the learned variance is not used by an ODE solver.
            modelOutput = modelOutput.narrow(1, 0, sample.shape[1]);
        }

        (float alpha, float sigma) = (level.Alpha, level.Sigma);
        if (target.DataPrediction)
        {
            torch.Tensor x0 = target.Prediction switch
            {
                PredictionType.Epsilon => (sample - modelOutput * sigma) / alpha,
                PredictionType.VPrediction => sample * alpha - modelOutput * sigma,
                _ => modelOutput.alias(),
            };
            return target.Thresholding is { } threshold ? threshold.Apply(x0) : x0;
        }

        torch.Tensor epsilon = target.Prediction switch
        {
            PredictionType.Sample => (sample - modelOutput * alpha) / sigma,
            PredictionType.VPrediction => modelOutput * alpha + sample * sigma,
            _ => modelOutput.alias(),
        };
        if (target.Thresholding is { } thresholding)
        {
            torch.Tensor x0 = thresholding.Apply((sample - epsilon * sigma) / alpha);
            epsilon = (sample - x0 * alpha) / sigma;
        }

        return epsilon;
    }
}
