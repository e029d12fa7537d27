/// <summary>Command-line settings of the benchmark.</summary>
internal sealed record Arguments(string Config, int Size, int Batch, int Threads, int Warmup, int Steps)
{
    public static Arguments Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
                throw new ArgumentException($"expected --name value pairs, got '{args[i]}'");
            values[args[i][2..]] = args[i + 1];
        }
        int Int(string key, int fallback)
        {
            if (!values.Remove(key, out string? text))
                return fallback;
            return int.TryParse(text, out int value) && value > 0
                ? value
                : throw new ArgumentException($"--{key}: expected a positive integer, got '{text}'");
        }
        string config = values.Remove("config", out string? path) ? path : Path.Combine(AppContext.BaseDirectory, "digits.json");
        var parsed = new Arguments(config, Int("size", 8), Int("batch", 64), Int("threads", 2), Int("warmup", 5), Int("steps", 30));
        if (values.Count > 0)
            throw new ArgumentException($"unknown option --{values.Keys.First()}");
        return parsed;
    }
}
