namespace Points2d.Distributions;

/// <summary>The built-in distributions, looked up by name.</summary>
public static class ToyDistributions
{
    /// <summary>The distribution used when the config names none.</summary>
    public const string DefaultName = "two_moons";

    /// <summary>Every built-in distribution, in a fixed order.</summary>
    public static IReadOnlyList<IToyDistribution> All { get; } = [new TwoMoons(), new EightGaussians(), new SwissRoll()];

    /// <summary>The distribution called <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">No distribution has that name; the message lists the valid ones.</exception>
    public static IToyDistribution Get(string name) =>
        All.FirstOrDefault(d => d.Name == name)
        ?? throw new ArgumentException(
            $"distribution: unknown distribution '{name}'; valid: {string.Join(", ", All.Select(d => d.Name))}",
            nameof(name));

    internal static void CheckCount(long count)
    {
        if (count < 1)
            throw new ArgumentOutOfRangeException(nameof(count), count, "at least one point must be drawn");
    }
}
