using System.Text.Json;

namespace Starcite.Internal;

/// <summary>
/// Compares JSON values by meaning, for dedupe (contract §3.2): object keys in any order, numbers by numeric value
/// exactly (1, 1.0 and 1e0 are equal; so are 1e400 and 10e399), never a number equal to a string.
/// </summary>
internal static class JsonCanonical
{
    public static bool Equal(ReadOnlyMemory<byte> left, ReadOnlyMemory<byte> right)
    {
        if (left.Span.SequenceEqual(right.Span))
        {
            return true;
        }

        using var a = JsonDocument.Parse(left);
        using var b = JsonDocument.Parse(right);
        return Equal(a.RootElement, b.RootElement);
    }

    private static bool Equal(JsonElement a, JsonElement b)
    {
        if (a.ValueKind != b.ValueKind)
        {
            return false;
        }

        return a.ValueKind switch
        {
            JsonValueKind.Object => ObjectsEqual(a, b),
            JsonValueKind.Array => ArraysEqual(a, b),
            JsonValueKind.String => a.GetString() == b.GetString(),
            JsonValueKind.Number => NumbersEqual(a, b),
            _ => true, // true, false, null: the kind is the value
        };
    }

    private static bool ObjectsEqual(JsonElement a, JsonElement b)
    {
        // Duplicate keys: the last one wins, as in every mainstream JSON reader.
        var left = LastWins(a);
        var right = LastWins(b);
        if (left.Count != right.Count)
        {
            return false;
        }

        foreach (var (name, value) in left)
        {
            if (!right.TryGetValue(name, out var other) || !Equal(value, other))
            {
                return false;
            }
        }

        return true;
    }

    private static Dictionary<string, JsonElement> LastWins(JsonElement obj)
    {
        var map = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in obj.EnumerateObject())
        {
            map[property.Name] = property.Value;
        }

        return map;
    }

    private static bool ArraysEqual(JsonElement a, JsonElement b)
    {
        if (a.GetArrayLength() != b.GetArrayLength())
        {
            return false;
        }

        using var left = a.EnumerateArray();
        using var right = b.EnumerateArray();
        while (left.MoveNext() && right.MoveNext())
        {
            if (!Equal(left.Current, right.Current))
            {
                return false;
            }
        }

        return true;
    }

    private static bool NumbersEqual(JsonElement a, JsonElement b) =>
        CanonicalNumber.Parse(a.GetRawText()) == CanonicalNumber.Parse(b.GetRawText());
}
