namespace DiffusionFramework.Core.Sampling;

/// <summary>
/// Solves a small dense float32 system A x = b the way LAPACK's <c>sgesv</c> (behind <c>torch.linalg.solve</c>) does:
/// LU factorisation with partial pivoting (the first row with the largest |a| in the column), multipliers scaled by
/// the pivot's reciprocal, right-looking updates, then forward substitution with the unit lower factor and
/// column-oriented back substitution with the upper one; every operation rounded to float32.
/// </summary>
internal static class Float32LinearSolve
{
    /// <summary>x with A x = b for square <paramref name="a"/> (not modified).</summary>
    /// <exception cref="ArgumentException">A is singular (a zero pivot), as torch.linalg.solve reports.</exception>
    public static float[] Solve(float[,] a, float[] b)
    {
        int n = b.Length;
        var lu = (float[,])a.Clone();
        var x = (float[])b.Clone();
        for (int k = 0; k < n; k++)
        {
            int pivot = k;
            for (int r = k + 1; r < n; r++)
            {
                if (MathF.Abs(lu[r, k]) > MathF.Abs(lu[pivot, k]))
                {
                    pivot = r;
                }
            }

            if (lu[pivot, k] == 0f || float.IsNaN(lu[pivot, k]))
            {
                throw new ArgumentException($"linear solve: the {n}x{n} system is singular (pivot {k} is {lu[pivot, k]}).");
            }

            SwapRows(lu, x, k, pivot);
            float inverse = 1f / lu[k, k];
            for (int r = k + 1; r < n; r++)
            {
                lu[r, k] *= inverse;
                for (int c = k + 1; c < n; c++)
                {
                    lu[r, c] -= lu[r, k] * lu[k, c];
                }
            }
        }

        for (int j = 0; j < n; j++)
        {
            for (int r = j + 1; r < n; r++)
            {
                x[r] -= x[j] * lu[r, j];
            }
        }

        for (int j = n - 1; j >= 0; j--)
        {
            x[j] /= lu[j, j];
            for (int r = 0; r < j; r++)
            {
                x[r] -= x[j] * lu[r, j];
            }
        }

        return x;
    }

    private static void SwapRows(float[,] lu, float[] x, int k, int pivot)
    {
        if (pivot == k)
        {
            return;
        }

        for (int c = 0; c < lu.GetLength(1); c++)
        {
            (lu[k, c], lu[pivot, c]) = (lu[pivot, c], lu[k, c]);
        }

        (x[k], x[pivot]) = (x[pivot], x[k]);
    }
}
