using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Starcite.Server.Contracts;

/// <summary>Reads the fields of a request body with the contract's rules, failing with a message that names the field.</summary>
internal static class JsonFields
{
    /// <summary>A string, absent or null (null); anything else is an error.</summary>
    public static bool TryString(JsonElement body, string name, out string? value, out string? error)
    {
        value = null;
        error = null;
        if (!body.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (element.ValueKind != JsonValueKind.String)
        {
            error = $"{name} must be a string";
            return false;
        }

        if (!TryGetText(element, out value))
        {
            error = $"{name} must be valid Unicode text (it escapes an unpaired surrogate)";
            return false;
        }

        return true;
    }

    /// <summary>
    /// An integer in <paramref name="min"/>..2^63-1, given as a JSON number or, as the original API allowed, a decimal
    /// string (<c>"42"</c>); absent or null gives null.
    /// </summary>
    public static bool TryInteger(JsonElement body, string name, long min, out long? value, out string? error)
    {
        value = null;
        error = null;
        if (!body.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        var ok = element.ValueKind switch
        {
            JsonValueKind.Number => element.TryGetInt64(out var number) ? Keep(number, out value) : false,
            JsonValueKind.String => TryGetText(element, out var text)
                && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && Keep(parsed, out value),
            _ => false,
        };
        if (!ok || value < min)
        {
            value = null;
            error = $"{name} must be an integer from {min} to 9223372036854775807";
            return false;
        }

        return true;
    }

    /// <summary>
    /// The raw UTF-8 text of a JSON object field, or null when absent or JSON null; any other type is an error. The text
    /// is a slice of <paramref name="source"/>, the UTF-8 the document was parsed from in place, so nothing is copied;
    /// it is valid as long as <paramref name="source"/> is.
    /// </summary>
    public static bool TryObject(JsonElement body, string name, ReadOnlyMemory<byte> source, out ReadOnlyMemory<byte>? value, out string? error)
    {
        value = null;
        error = null;
        if (!body.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            error = $"{name} must be a JSON object";
            return false;
        }

        var raw = JsonMarshal.GetRawUtf8Value(element);
        // A document parsed from memory reads it in place, so its raw values lie inside it; a copy covers any other source.
        value = source.Span.Overlaps(raw, out var offset) ? source.Slice(offset, raw.Length) : raw.ToArray();
        return true;
    }

    /// <summary>The string's value; false when it escapes an unpaired surrogate, which no .NET string can hold faithfully.</summary>
    private static bool TryGetText(JsonElement element, out string? text)
    {
        try
        {
            text = element.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            text = null;
            return false;
        }
    }

    private static bool Keep(long number, out long? value)
    {
        value = number;
        return true;
    }
}
