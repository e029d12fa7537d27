using System.Diagnostics;

namespace DiffusionFramework.Cli.Benchmarks;

/// <summary>Wall-clock helpers for <c>diffusion bench</c>.</summary>
internal static class Timing
{
    /// <summary>Median wall time of <paramref name="repeats"/> calls after one warm-up call.</summary>
    public static double MedianMilliseconds(Action action, int repeats)
    {
        action();
        var times = new double[repeats];
        for (int i = 0; i < repeats; i++)
            times[i] = Once(action);
        Array.Sort(times);
        return times[repeats / 2];
    }

    /// <summary>
    /// Median of the per-repeat ratios time(<paramref name="numerator"/>) / time(<paramref name="denominator"/>),
    /// measured alternately so that a change of machine load hits both sides alike. Returns the medians too.
    /// </summary>
    public static (double Ratio, double NumeratorMs, double DenominatorMs) MedianRatio(Action numerator,
        Action denominator, int repeats)
    {
        numerator();
        denominator();
        var ratios = new double[repeats];
        var num = new double[repeats];
        var den = new double[repeats];
        for (int i = 0; i < repeats; i++)
        {
            den[i] = Once(denominator);
            num[i] = Once(numerator);
            ratios[i] = num[i] / den[i];
        }
        Array.Sort(ratios);
        Array.Sort(num);
        Array.Sort(den);
        return (ratios[repeats / 2], num[repeats / 2], den[repeats / 2]);
    }

    private static double Once(Action action)
    {
        long start = Stopwatch.GetTimestamp();
        action();
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    /// <summary>Resident set size of this process in MiB.</summary>
    public static double ResidentMiB()
    {
        using Process self = Process.GetCurrentProcess();
        self.Refresh();
        return self.WorkingSet64 / (1024.0 * 1024.0);
    }
}
