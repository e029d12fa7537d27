using DiffusionFramework.Abstractions;
using DiffusionFramework.Core.Guidance;
using TorchSharp;

namespace DiffusionFramework.Core.Sampling;

/// <summary>
/// The sampling loop: runs an <see cref="ISamplerRun"/> with a model callable from x_T to x_0, one model call and
/// one <see cref="ISamplerRun.Step"/> per timestep, stepping by index.
/// </summary>
public static class DiffusionSampling
{
    /// <summary>
    /// Runs the steps of <paramref name="run"/> from <see cref="SamplingOptions.BeginIndex"/> on: x_in =
    /// ScaleModelInput(x, i); out = model(x_in, t_i[B]); x = Step(out, i, x).PrevSample; x = AfterStep(x, i).
    /// </summary>
    /// <param name="run">A fresh run (its steps are consumed).</param>
    /// <param name="model">(x_in, t) → prediction; t is the step's timestep expanded to [B], of the sample's floating
    /// dtype, on the sample's device.</param>
    /// <param name="xT">The starting sample, already scaled by <see cref="ISamplerRun.InitNoiseSigma"/> (or, when
    /// <see cref="SamplingOptions.BeginIndex"/> &gt; 0, at that step's noise level); not modified and not disposed.</param>
    /// <param name="options">Noise, generator, progress, cancellation and guidance.</param>
    /// <returns>The final sample, owned by the caller's dispose scope (if any).</returns>
    /// <remarks>
    /// Runs under <c>no_grad</c>. Each step has its own dispose scope; only the running sample leaves it. Every
    /// tensor the loop creates is on <paramref name="xT"/>'s device.
    /// </remarks>
    /// <exception cref="OperationCanceledException">The token was cancelled; checked before every step.</exception>
    /// <exception cref="ArgumentException">The begin index lies outside 0 .. Timesteps.Count.</exception>
    public static torch.Tensor Sample(ISamplerRun run, Func<torch.Tensor, torch.Tensor, torch.Tensor> model,
        torch.Tensor xT, SamplingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(xT);
        options ??= new SamplingOptions();
        StepNoise noise = options.CreateStepNoise();
        int count = run.Timesteps.Count;
        if (options.BeginIndex < 0 || options.BeginIndex > count)
        {
            throw new ArgumentException(
                $"begin index {options.BeginIndex} is outside the run's steps 0 .. {count}.", nameof(options));
        }

        using var noGrad = torch.no_grad();
        torch.Tensor x = xT;
        for (int i = options.BeginIndex; i < count; i++)
        {
            options.CancellationToken.ThrowIfCancellationRequested();
            torch.Tensor next = TakeStep(run, model, x, i, noise, options);
            if (!ReferenceEquals(x, xT))
            {
                x.Dispose();
            }

            x = next;
        }

        return ReferenceEquals(x, xT) ? xT.alias() : x;
    }

    /// <summary>
    /// Samples with a denoiser: the model callable is <c>denoiser.Forward(x_in, t[B], conditioning)</c>, guided by
    /// <paramref name="guidance"/> when given. The denoiser's module is in eval mode during the run and restored after.
    /// </summary>
    /// <param name="run">A fresh run.</param>
    /// <param name="denoiser">The network.</param>
    /// <param name="conditioning">Its conditioning; also handed to the noise sampler unless
    /// <see cref="SamplingOptions.Conditioning"/> is set.</param>
    /// <param name="xT">The starting sample (see the other overload).</param>
    /// <param name="options">Noise, generator, progress, cancellation and guidance hook.</param>
    /// <param name="guidance">Classifier-free guidance, or null.</param>
    public static torch.Tensor Sample(ISamplerRun run, IDenoiser denoiser, Conditioning conditioning, torch.Tensor xT,
        SamplingOptions? options = null, ClassifierFreeGuidance? guidance = null)
    {
        ArgumentNullException.ThrowIfNull(denoiser);
        ArgumentNullException.ThrowIfNull(conditioning);
        Func<torch.Tensor, torch.Tensor, torch.Tensor> model = guidance is null
            ? (x, t) => denoiser.Forward(x, t, conditioning)
            : guidance.Wrap(denoiser, conditioning);
        options ??= new SamplingOptions();
        if (options.Conditioning is null)
        {
            options = options with { Conditioning = conditioning };
        }

        bool wasTraining = denoiser.Module.training;
        denoiser.Module.eval();
        try
        {
            return Sample(run, model, xT, options);
        }
        finally
        {
            denoiser.Module.train(wasTraining);
        }
    }

    /// <summary>One step of the loop, <see cref="SamplingOptions.AfterStep"/> and the progress report; the result
    /// leaves the step's dispose scope. Reports <paramref name="progressIndex"/> of <paramref name="progressCount"/>
    /// (the step index and step count unless given).</summary>
    internal static torch.Tensor TakeStep(ISamplerRun run, Func<torch.Tensor, torch.Tensor, torch.Tensor> model,
        torch.Tensor x, int i, StepNoise noise, SamplingOptions options, int? progressIndex = null,
        int? progressCount = null)
    {
        using var scope = torch.NewDisposeScope();
        double t = run.Timesteps[i];
        torch.ScalarType tType = torch.is_floating_point(x) ? x.dtype : torch.ScalarType.Float32;
        torch.Tensor timestep = torch.full(x.shape[0], t, dtype: tType, device: x.device);
        torch.Tensor modelInput = run.ScaleModelInput(x, i);
        torch.Tensor output = options.Guidance is { } guidance
            ? guidance(model, modelInput, timestep, i)
            : model(modelInput, timestep);
        SamplerStepResult result = run.Step(output, i, x, noise);
        torch.Tensor next = ReferenceEquals(result.PrevSample, x) ? x.alias() : result.PrevSample;
        if (options.AfterStep is { } afterStep)
        {
            torch.Tensor changed = afterStep(next, i);
            next = ReferenceEquals(changed, x) ? x.alias() : changed;
        }

        options.Progress?.Invoke(new SamplingProgress(progressIndex ?? i, progressCount ?? run.Timesteps.Count, t, next,
            result.PredOriginalSample));
        return next.MoveToOuterDisposeScope();
    }
}
