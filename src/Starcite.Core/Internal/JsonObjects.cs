using System.Text.Json;
using System.Text.Unicode;

namespace Starcite.Internal;

/// <summary>Validates client JSON objects and stores them compactly, so every read path can emit them verbatim.</summary>
internal static class JsonObjects
{
    /// <summary>The compact empty object, stored for absent or null metadata and refs.</summary>
    public static readonly byte[] Empty = "{}"u8.ToArray();

    private const int MaxDepth = 64;

    /// <summary>
    /// Returns <paramref name="json"/> as a compact JSON object (the client's text without insignificant whitespace,
    /// every escape kept as sent), or <see cref="Empty"/> when it is JSON <c>null</c> and <paramref name="allowNull"/>
    /// is set.
    /// </summary>
    /// <exception cref="InvalidRequestException">The text is not a single well-formed JSON object in valid UTF-8.</exception>
    public static byte[] Normalize(ReadOnlySpan<byte> json, string field, string code, bool allowNull)
    {
        var isNull = Validate(json, field, code, allowNull);
        return isNull ? Empty : Minify(json);
    }

    /// <summary>Checks structure, depth, a single top-level object (or null) and UTF-8 validity of every string.</summary>
    private static bool Validate(ReadOnlySpan<byte> json, string field, string code, bool allowNull)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = MaxDepth });
        try
        {
            if (!reader.Read())
            {
                throw Invalid(field, code, "must be a JSON object");
            }

            var isNull = reader.TokenType == JsonTokenType.Null && allowNull;
            if (!isNull && reader.TokenType != JsonTokenType.StartObject)
            {
                throw Invalid(field, code, "must be a JSON object");
            }

            while (reader.Read())
            {
                // The reader checks structure but not the UTF-8 inside strings; stored JSON must be valid UTF-8.
                if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName)
                {
                    if (!Utf8.IsValid(reader.ValueSpan))
                    {
                        throw Invalid(field, code, "contains invalid UTF-8");
                    }

                    // An escaped unpaired surrogate (\uD800) is well-formed JSON but no text: it cannot be compared
                    // (dedupe) or decoded by most clients, so it is refused like a lone surrogate in a string field.
                    if (reader.ValueIsEscaped && !IsWholeText(ref reader))
                    {
                        throw Invalid(field, code, "escapes an unpaired surrogate");
                    }
                }
            }

            return isNull;
        }
        catch (JsonException ex)
        {
            throw Invalid(field, code, $"is not valid JSON ({ex.Message})");
        }
    }

    private static bool IsWholeText(ref Utf8JsonReader reader)
    {
        try
        {
            _ = reader.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>Drops whitespace outside strings; the input must already be valid JSON.</summary>
    private static byte[] Minify(ReadOnlySpan<byte> json)
    {
        var output = new byte[json.Length];
        var length = 0;
        var inString = false;
        var escaped = false;
        foreach (var b in json)
        {
            if (inString)
            {
                if (escaped)
                {
                    escaped = false;
                }
                else if (b == (byte)'\\')
                {
                    escaped = true;
                }
                else if (b == (byte)'"')
                {
                    inString = false;
                }
            }
            else if (b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r')
            {
                continue;
            }
            else if (b == (byte)'"')
            {
                inString = true;
            }

            output[length++] = b;
        }

        return length == output.Length ? output : output[..length];
    }

    private static InvalidRequestException Invalid(string field, string code, string what) =>
        new(code, field, $"{field} {what}");
}
