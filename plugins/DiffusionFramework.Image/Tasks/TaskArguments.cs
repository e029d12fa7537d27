using System.Globalization;
using DiffusionFramework.Abstractions;

namespace DiffusionFramework.Image.Tasks;

/// <summary>Reads a task verb's option values, naming the verb and the option in every error.</summary>
internal sealed class TaskArguments(string verb, TaskInvocation invocation)
{
    /// <summary>The value of <c>--name</c>; throws when it is missing or blank.</summary>
    public string Required(string name) =>
        Optional(name) ?? throw new ArgumentException($"{verb}: --{name} is required");

    /// <summary>The value of <c>--name</c>, or null when missing or blank.</summary>
    public string? Optional(string name) =>
        invocation.Options.TryGetValue(name, out string? value) && !string.IsNullOrWhiteSpace(value) ? value : null;

    /// <summary>The integer value of <c>--name</c> (<paramref name="fallback"/> when missing), at least <paramref name="minimum"/>.</summary>
    public int Int(string name, int fallback, int minimum) =>
        (int)Long(name, fallback, minimum, int.MaxValue);

    /// <summary>The integer value of <c>--name</c> (<paramref name="fallback"/> when missing) in [<paramref name="minimum"/>, <paramref name="maximum"/>].</summary>
    public long Long(string name, long fallback, long minimum = long.MinValue, long maximum = long.MaxValue)
    {
        string? text = Optional(name);
        if (text is null)
            return fallback;
        if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long value))
            throw new ArgumentException($"{verb}: --{name} must be an integer, got '{text}'");
        if (value < minimum || value > maximum)
            throw new ArgumentException(
                $"{verb}: --{name} {value} is out of range; it must be at least {minimum}" +
                (maximum == long.MaxValue || maximum == int.MaxValue ? "" : $" and at most {maximum}"));
        return value;
    }
}
