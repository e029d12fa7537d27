namespace DiffusionFramework.Core.Sampling;

/// <summary>
/// The solver order of every step of a singlestep DPM-Solver run (diffusers' <c>get_order_list</c> after the
/// adjustments of <c>set_timesteps</c>): steps are grouped as 1, 2(, 3) - each group is one singlestep solver step
/// of Lu et al. 2022 (arXiv 2206.00927, Algorithms 1-2), whose first model call is a first-order step - with a shorter
/// final group under <c>lower_order_final</c>, and a first-order last step when the final σ is 0.
/// </summary>
internal static class SinglestepOrders
{
    /// <summary>The orders of <paramref name="steps"/> steps.</summary>
    /// <param name="solverOrder">1, 2 or 3.</param>
    /// <param name="steps">Number of steps (≥ 1).</param>
    /// <param name="lowerOrderFinal">The config's lower_order_final; forced on (as diffusers does) when the steps
    /// do not divide into whole groups or the final σ is 0.</param>
    /// <param name="finalSigmaZero">The final σ is 0.</param>
    public static int[] Compute(int solverOrder, int steps, bool lowerOrderFinal, bool finalSigmaZero)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(solverOrder, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(solverOrder, 3);
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        lowerOrderFinal |= steps % solverOrder != 0 || finalSigmaZero;
        int[] group = [.. Enumerable.Range(1, solverOrder)];
        int[] tail = !lowerOrderFinal ? []
            : solverOrder == 3 && steps % 3 == 0 ? [1, 2, 1]
            : solverOrder == 2 && steps % 2 == 0 ? [1, 1]
            : [.. Enumerable.Range(1, steps % solverOrder)];
        int whole = (steps - tail.Length) / solverOrder;
        int[] orders = [.. Enumerable.Repeat(group, whole).SelectMany(g => g), .. tail];
        if (finalSigmaZero)
        {
            orders[^1] = 1;
        }

        return orders;
    }
}
