namespace DiffusionFramework.Core.Training;

/// <summary>What the learning rate does after the warm-up.</summary>
public enum LearningRateDecay
{
    /// <summary>Half a cosine wave from the peak down to the floor at the last step (diffusers <c>"cosine"</c>).</summary>
    Cosine,

    /// <summary>Stays at the peak (diffusers <c>"constant_with_warmup"</c>).</summary>
    Constant,
}

/// <summary>
/// The learning rate of every optimiser step: a linear warm-up from 0 to <see cref="PeakLearningRate"/>, then either a
/// cosine decay to <see cref="MinLearningRate"/> (Loshchilov and Hutter 2017, SGDR, arXiv 1608.03983, eq. 5 with one
/// cycle) or a constant rate. A pure function of the step: resuming a run needs nothing but the step.
/// </summary>
/// <remarks>
/// <para>Step <c>s</c> is the 0-based index of the optimiser step, as in diffusers' <c>get_cosine_schedule_with_warmup</c>
/// and <c>get_constant_schedule_with_warmup</c> (a <c>LambdaLR</c> stepped after each optimiser step), whose numbers this
/// matches exactly when <see cref="MinLearningRate"/> is 0:</para>
/// <para>warm-up (s &lt; W): lr = peak * s / max(1, W), so the very first step has lr = 0 when W &gt; 0;</para>
/// <para>cosine (s ≥ W): p = (s - W) / max(1, S - W), lr = min + (peak - min) * ½(1 + cos(π p)).</para>
/// <para>Past <see cref="TotalSteps"/> the cosine stays at the floor (p is clamped to 1) instead of rising again.</para>
/// </remarks>
/// <param name="PeakLearningRate">The rate reached at the end of the warm-up.</param>
/// <param name="WarmupSteps">Steps of linear warm-up, W ≥ 0.</param>
/// <param name="TotalSteps">Steps of the whole run, S (the cosine reaches the floor there).</param>
/// <param name="Decay">What happens after the warm-up.</param>
/// <param name="MinLearningRate">The floor of the cosine decay (0 = diffusers).</param>
public sealed record LearningRateSchedule(
    double PeakLearningRate,
    int WarmupSteps,
    int TotalSteps,
    LearningRateDecay Decay = LearningRateDecay.Cosine,
    double MinLearningRate = 0)
{
    /// <summary>The learning rate of the optimiser step with 0-based index <paramref name="step"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="step"/> is negative or the schedule is invalid.</exception>
    public double At(long step)
    {
        Validate();
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        if (step < WarmupSteps)
            return PeakLearningRate * ((double)step / Math.Max(1, WarmupSteps));
        if (Decay == LearningRateDecay.Constant)
            return PeakLearningRate;
        double progress = Math.Min(1.0, (double)(step - WarmupSteps) / Math.Max(1, TotalSteps - WarmupSteps));
        return MinLearningRate + (PeakLearningRate - MinLearningRate) * (0.5 * (1.0 + Math.Cos(Math.PI * progress)));
    }

    /// <summary>Throws when a field is out of range; the message names it.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A field is negative, not finite, or the floor exceeds the peak.</exception>
    public void Validate()
    {
        if (!double.IsFinite(PeakLearningRate) || PeakLearningRate < 0)
            throw new ArgumentOutOfRangeException(nameof(PeakLearningRate), PeakLearningRate, "must be finite and ≥ 0");
        if (!double.IsFinite(MinLearningRate) || MinLearningRate < 0 || MinLearningRate > PeakLearningRate)
            throw new ArgumentOutOfRangeException(nameof(MinLearningRate), MinLearningRate,
                $"must be finite and in [0, {nameof(PeakLearningRate)} = {PeakLearningRate}]");
        ArgumentOutOfRangeException.ThrowIfNegative(WarmupSteps);
        ArgumentOutOfRangeException.ThrowIfNegative(TotalSteps);
        if (!Enum.IsDefined(Decay))
            throw new ArgumentOutOfRangeException(nameof(Decay), Decay, $"valid: {string.Join(", ", Enum.GetNames<LearningRateDecay>())}");
    }
}
