using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace DiffusionFramework.Core.Schedules;

/// <summary>System.Text.Json settings of <see cref="SchedulerConfig"/>: snake_case keys and non-finite floats.</summary>
internal static class SchedulerConfigJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
        AllowTrailingCommas = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        Converters = { new NonFiniteDoubleConverter() },
    };

    public static SchedulerConfig Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            return JsonSerializer.Deserialize<SchedulerConfig>(QuoteNonFiniteLiterals(json), Options)
                   ?? throw new ArgumentException("scheduler config: the JSON is 'null', expected an object.");
        }
        catch (JsonException e)
        {
            string where = e.Path is { } path && !e.Message.Contains(path, StringComparison.Ordinal) ? $" (at {path})" : "";
            throw new ArgumentException($"scheduler config: {e.Message}{where}", e);
        }
    }

    public static string Write(SchedulerConfig config) => JsonSerializer.Serialize(config, Options);

    /// <summary>
    /// Python's <c>json.dumps</c> writes non-finite floats as bare <c>Infinity</c>, <c>-Infinity</c> and <c>NaN</c>
    /// (diffusers' default <c>lambda_min_clipped</c> is -inf), which is not JSON. Quotes those tokens outside strings.
    /// </summary>
    internal static string QuoteNonFiniteLiterals(string json)
    {
        if (!json.Contains("Infinity", StringComparison.Ordinal) && !json.Contains("NaN", StringComparison.Ordinal))
        {
            return json;
        }

        var result = new StringBuilder(json.Length + 16);
        bool inString = false;
        for (int i = 0; i < json.Length; i++)
        {
            char c = json[i];
            if (inString)
            {
                result.Append(c);
                if (c == '\\' && i + 1 < json.Length)
                {
                    result.Append(json[++i]);
                }
                else if (c == '"')
                {
                    inString = false;
                }

                continue;
            }

            string? token = c == '"' ? null : LiteralAt(json, i);
            if (token is null)
            {
                inString = c == '"';
                result.Append(c);
                continue;
            }

            result.Append('"').Append(token).Append('"');
            i += token.Length - 1;
        }

        return result.ToString();
    }

    private static string? LiteralAt(string json, int i)
    {
        foreach (string literal in (ReadOnlySpan<string>)["-Infinity", "Infinity", "NaN"])
        {
            if (string.CompareOrdinal(json, i, literal, 0, literal.Length) == 0)
            {
                return literal;
            }
        }

        return null;
    }

    /// <summary>Reads numbers and "inf"/"-inf"/"nan" (any case, also Python's spellings); writes non-finite as strings.</summary>
    private sealed class NonFiniteDoubleConverter : JsonConverter<double>
    {
        public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType == JsonTokenType.Number)
            {
                return reader.GetDouble();
            }

            if (reader.TokenType == JsonTokenType.String)
            {
                switch (reader.GetString()!.Trim().ToLowerInvariant())
                {
                    case "inf" or "+inf" or "infinity" or "+infinity":
                        return double.PositiveInfinity;
                    case "-inf" or "-infinity":
                        return double.NegativeInfinity;
                    case "nan":
                        return double.NaN;
                }
            }

            throw new JsonException($"expected a number or \"inf\"/\"-inf\"/\"nan\", found {reader.TokenType}.");
        }

        public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options)
        {
            if (double.IsFinite(value))
            {
                writer.WriteNumberValue(value);
            }
            else
            {
                writer.WriteStringValue(double.IsNaN(value) ? "nan" : value > 0 ? "inf" : "-inf");
            }
        }
    }
}
