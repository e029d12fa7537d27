using DiffusionFramework.Core.Sampling;
using TorchSharp;

namespace DiffusionFramework.Core.Editing;

/// <summary>
/// RePaint inpainting (Lugmayr et al. 2022, "RePaint: Inpainting using Denoising Diffusion Probabilistic Models",
/// arXiv 2201.09865, Algorithm 1 with the jump schedule of sec. 4.2): known-region replacement after every step
/// (<see cref="Inpainting"/>), and resampling: going back up j noise levels with the forward transition
/// q(x_t | x_{t-j}) and denoising again, so the generated region harmonises with the known one.
/// </summary>
/// <remarks>
/// The denoising step is the run's own (DDPM's ancestral step as in the paper, or DDIM); resampling needs a run
/// that keeps no state between steps (<see cref="ISamplerRun.CanRevisitSteps"/>). Going back up draws
/// x_i = (α_i/α_{i+1}) x_{i+1} + √(σ_i² - (α_i/α_{i+1})² σ_{i+1}²) ε in one draw, which has the distribution of the
/// paper's chain of one-timestep transitions (diffusers' <c>undo_step</c>). The schedule is diffusers'
/// <c>RePaintScheduler</c> jump schedule over the run's steps from the begin index on.
/// </remarks>
public static class RePaint
{
    /// <summary>
    /// The operations of a run of <paramref name="stepCount"/> steps started at <paramref name="beginIndex"/>: in
    /// noise-level units k = m-1 .. 0 (m = stepCount - beginIndex, step index = beginIndex + m - 1 - k), denoise at k,
    /// and after denoising at a jump point k = j (j = 0, J, 2J, … &lt; m - J) go back up J levels, r - 1 times per point.
    /// </summary>
    public static IEnumerable<RePaintOperation> Schedule(int stepCount, int beginIndex, RePaintSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        ArgumentOutOfRangeException.ThrowIfNegative(beginIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(beginIndex, stepCount);
        return Operations(stepCount - beginIndex, beginIndex, settings.JumpLength, settings.ResampleCount);
    }

    /// <summary>Number of denoising steps (model calls per guidance call) of <see cref="Schedule"/>.</summary>
    public static long DenoisingSteps(int stepCount, int beginIndex, RePaintSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        long m = stepCount - beginIndex, j = settings.JumpLength;
        long jumpPoints = m > j ? (m - 1) / j : 0; // |{0, j, 2j, … < m - j}|
        return m + jumpPoints * j * (settings.ResampleCount - 1L);
    }

    /// <summary>
    /// Inpaints with resampling from <paramref name="xStart"/> (x_T, or an img2img start at
    /// <see cref="SamplingOptions.BeginIndex"/>). Checks everything before the first model call.
    /// </summary>
    /// <param name="run">A fresh run.</param>
    /// <param name="model">(x_in, t[B]) → prediction.</param>
    /// <param name="xStart">The starting sample, of the inpainting's sample shape.</param>
    /// <param name="inpainting">Mask and known data.</param>
    /// <param name="settings">Jump length and resample count.</param>
    /// <param name="options">Noise, generator, guidance, progress (reported per denoising step of the whole
    /// schedule), cancellation, begin index. <see cref="SamplingOptions.AfterStep"/> must be null: RePaint replaces.</param>
    /// <exception cref="ArgumentException">Bad settings, a start of another shape, a run that cannot revisit steps
    /// when resampling, an AfterStep hook, or a schedule of more than int.MaxValue steps.</exception>
    public static torch.Tensor Sample(ISamplerRun run, Func<torch.Tensor, torch.Tensor, torch.Tensor> model,
        torch.Tensor xStart, Inpainting inpainting, RePaintSettings settings, SamplingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(xStart);
        ArgumentNullException.ThrowIfNull(inpainting);
        ArgumentNullException.ThrowIfNull(settings);
        options ??= new SamplingOptions();
        List<RePaintOperation> operations = Check(run, xStart, inpainting, settings, options, out int denoisingSteps);
        StepNoise noise = options.CreateStepNoise();
        SamplingOptions stepOptions = options with { AfterStep = inpainting.ReplaceKnown(run, noise) };

        using var noGrad = torch.no_grad();
        torch.Tensor x = xStart;
        int done = 0;
        foreach (RePaintOperation operation in operations)
        {
            options.CancellationToken.ThrowIfCancellationRequested();
            torch.Tensor next = operation.GoesBackUp
                ? GoBackUp(run, x, operation.StepIndex, noise)
                : DiffusionSampling.TakeStep(run, model, x, operation.StepIndex, noise, stepOptions, done++,
                    denoisingSteps);
            if (!ReferenceEquals(x, xStart))
            {
                x.Dispose();
            }

            x = next;
        }

        return ReferenceEquals(x, xStart) ? xStart.alias() : x;
    }

    private static List<RePaintOperation> Check(ISamplerRun run, torch.Tensor xStart, Inpainting inpainting,
        RePaintSettings settings, SamplingOptions options, out int denoisingSteps)
    {
        settings.Validate();
        if (!xStart.shape.SequenceEqual(inpainting.Mask.shape))
        {
            throw new ArgumentException(
                $"the start sample has shape {SampleShapes.Format(xStart.shape)}, the inpainting was prepared for " +
                $"{SampleShapes.Format(inpainting.Mask.shape)}.", nameof(xStart));
        }

        if (options.AfterStep is not null)
        {
            throw new ArgumentException("RePaint replaces the known region itself; SamplingOptions.AfterStep must be null.",
                nameof(options));
        }

        int count = run.Timesteps.Count;
        if (options.BeginIndex < 0 || options.BeginIndex > count)
        {
            throw new ArgumentException($"begin index {options.BeginIndex} is outside the run's steps 0 .. {count}.",
                nameof(options));
        }

        long steps = DenoisingSteps(count, options.BeginIndex, settings);
        if (steps > int.MaxValue)
        {
            throw new ArgumentException($"RePaint settings {settings} would take {steps} steps.", nameof(settings));
        }

        List<RePaintOperation> operations = Schedule(count, options.BeginIndex, settings).ToList();
        if (operations.Any(o => o.GoesBackUp) && !run.CanRevisitSteps)
        {
            throw new ArgumentException(
                $"the sampler run {run.GetType().Name} keeps state between steps, so RePaint cannot resample with it " +
                $"(resample count {settings.ResampleCount}); use a sampler without state such as ddpm or ddim, or resample count 1.",
                nameof(run));
        }

        denoisingSteps = (int)steps;
        return operations;
    }

    private static IEnumerable<RePaintOperation> Operations(int m, int beginIndex, int jumpLength, int resampleCount)
    {
        int[] jumpsLeft = new int[Math.Max(m, 0)];
        for (int j = 0; j < m - jumpLength; j += jumpLength)
        {
            jumpsLeft[j] = resampleCount - 1;
        }

        for (int k = m - 1; k >= 0; k--)
        {
            yield return new RePaintOperation(beginIndex + m - 1 - k, GoesBackUp: false);
            if (jumpsLeft[k] > 0)
            {
                jumpsLeft[k]--;
                for (int u = 0; u < jumpLength; u++)
                {
                    yield return new RePaintOperation(beginIndex + m - 1 - (k + u), GoesBackUp: true);
                }

                k += jumpLength;
            }
        }
    }

    /// <summary>x_i ~ q(x_i | x_{i+1}): from the level after step i back up to the level of step i.</summary>
    private static torch.Tensor GoBackUp(ISamplerRun run, torch.Tensor x, int stepIndex, StepNoise noise)
    {
        using var scope = torch.NewDisposeScope();
        NoiseLevel from = run.NoiseLevelAt(stepIndex + 1);
        return run.NoiseLevelAt(stepIndex).Renoise(x, from, noise.Draw(x)).MoveToOuterDisposeScope();
    }
}

/// <summary>One operation of RePaint's schedule.</summary>
/// <param name="StepIndex">The run's step index: denoise with step i, or go back up from the level after step i to
/// the level of step i.</param>
/// <param name="GoesBackUp">True for the forward (noising) transition.</param>
public readonly record struct RePaintOperation(int StepIndex, bool GoesBackUp);
