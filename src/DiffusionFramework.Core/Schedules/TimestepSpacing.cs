namespace DiffusionFramework.Core.Schedules;

/// <summary>
/// Picks the inference timesteps out of the training timesteps, as diffusers' <c>set_timesteps</c> does
/// ("leading", "trailing", "linspace"; Lin et al. 2023, arXiv 2305.08891, table 2), with numpy's float semantics.
/// </summary>
public static class TimestepSpacing
{
    /// <summary>
    /// Integer timesteps in descending order, one per inference step (DDPM, DDIM, PNDM ... rule):
    /// <list type="bullet">
    /// <item>leading: i · (T div n) + steps_offset for i = n-1 .. 0;</item>
    /// <item>trailing: round(T - i · T/n) - 1 for i = 0 .. n-1;</item>
    /// <item>linspace: round(linspace(0, T-1, n)) reversed (steps_offset is not applied).</item>
    /// </list>
    /// Rounding is half-to-even, as numpy's.
    /// </summary>
    /// <exception cref="ArgumentException">Unknown spacing or a step count outside 1 .. numTrainTimesteps.</exception>
    public static long[] Compute(string spacing, int numTrainTimesteps, int numInferenceSteps, int stepsOffset = 0)
    {
        ArgumentNullException.ThrowIfNull(spacing);
        if (numInferenceSteps < 1 || numInferenceSteps > numTrainTimesteps)
        {
            throw new ArgumentException(
                $"the number of inference steps must be in 1 .. {numTrainTimesteps}, got {numInferenceSteps}.",
                nameof(numInferenceSteps));
        }

        long[] timesteps;
        switch (spacing)
        {
            case "leading":
                long stepRatio = numTrainTimesteps / numInferenceSteps;
                timesteps = new long[numInferenceSteps];
                for (int i = 0; i < numInferenceSteps; i++)
                {
                    timesteps[i] = (numInferenceSteps - 1 - i) * stepRatio + stepsOffset;
                }

                break;
            case "trailing":
                double[] trailing = NumpyArange(numTrainTimesteps, 0, -(double)numTrainTimesteps / numInferenceSteps);
                timesteps = Array.ConvertAll(trailing, t => (long)Math.Round(t) - 1);
                break;
            case "linspace":
                double[] linspace = NumpyLinspace(0, numTrainTimesteps - 1, numInferenceSteps);
                timesteps = Array.ConvertAll(linspace, t => (long)Math.Round(t));
                Array.Reverse(timesteps);
                break;
            default:
                throw new ArgumentException(
                    $"unknown timestep_spacing \"{spacing}\"; valid values are \"leading\", \"trailing\", \"linspace\".",
                    nameof(spacing));
        }

        return timesteps;
    }

    /// <summary><c>np.linspace(start, stop, num)</c> (endpoint included): start + i·step in double, last = stop.</summary>
    public static double[] NumpyLinspace(double start, double stop, int num)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(num);
        var y = new double[num];
        if (num == 1)
        {
            y[0] = start;
            return y;
        }

        double step = (stop - start) / (num - 1);
        for (int i = 0; i < num; i++)
        {
            y[i] = i * step + start;
        }

        y[^1] = stop;

        return y;
    }

    /// <summary>
    /// <c>np.arange(start, stop, step)</c> for floats: ceil((stop - start)/step) values, the second start + step and
    /// the i-th start + i·((start + step) - start), as numpy fills them.
    /// </summary>
    public static double[] NumpyArange(double start, double stop, double step)
    {
        if (step == 0 || !double.IsFinite(step))
        {
            throw new ArgumentException($"arange step must be finite and non-zero, got {step}.", nameof(step));
        }

        int length = (int)Math.Max(0, Math.Ceiling((stop - start) / step));
        var values = new double[length];
        double delta = start + step - start;
        for (int i = 0; i < length; i++)
        {
            values[i] = i == 1 ? start + step : start + i * delta;
        }

        return values;
    }
}
