using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Starcite.Archive.S3.Layout;

/// <summary>Writer and reader settings and the timestamp format shared by every archive object.</summary>
internal static class JsonFormats
{
    /// <summary>The contract's timestamp: UTC, six fractional digits, <c>Z</c> (exact to the microsecond).</summary>
    public const string Timestamp = "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'";

    /// <summary>Compact output; non-ASCII text is kept as UTF-8 rather than escaped (objects are read by machines and
    /// people, never embedded in HTML). Raw JSON values are validated before they are written.</summary>
    public static readonly JsonWriterOptions Writer = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
    };

    /// <summary>Whole chunks are read as a sequence of top-level objects; payloads may nest up to the engine's 64
    /// levels inside the event object.</summary>
    public static readonly JsonReaderOptions Reader = new() { AllowMultipleValues = true, MaxDepth = 128 };

    public static void WriteTimestamp(Utf8JsonWriter writer, ReadOnlySpan<byte> name, DateTimeOffset value)
    {
        Span<byte> text = stackalloc byte[32];
        ArchiveArguments.ToMicroseconds(value).UtcDateTime.TryFormat(text, out var written, Timestamp, CultureInfo.InvariantCulture);
        writer.WriteString(name, text[..written]);
    }

    public static DateTimeOffset ReadTimestamp(ref Utf8JsonReader reader)
    {
        Span<char> text = stackalloc char[40];
        if (reader.TokenType != JsonTokenType.String || reader.ValueSpan.Length > 32)
        {
            throw new InvalidDataException("An archived timestamp is not a string of the form 2026-02-20T10:11:12.123456Z.");
        }

        var length = reader.CopyString(text);
        if (!DateTime.TryParseExact(text[..length], Timestamp, CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var value))
        {
            throw new InvalidDataException($"Archived timestamp '{text[..length]}' is not of the form 2026-02-20T10:11:12.123456Z.");
        }

        return new DateTimeOffset(DateTime.SpecifyKind(value, DateTimeKind.Utc));
    }

    /// <summary>Reads the raw JSON value at the reader (which sits on its first token) as a slice of <paramref name="source"/>.</summary>
    public static ReadOnlyMemory<byte> RawValue(ref Utf8JsonReader reader, ReadOnlyMemory<byte> source)
    {
        var start = (int)reader.TokenStartIndex;
        reader.Skip();
        return source[start..(int)reader.BytesConsumed];
    }

    public static string? NullableString(ref Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.Null ? null : reader.GetString();

    public static string RequiredString(ref Utf8JsonReader reader, string field) =>
        reader.TokenType == JsonTokenType.String ? reader.GetString()! : throw Missing(field);

    public static InvalidDataException Missing(string field) => new($"An archived object lacks a valid '{field}'.");
}
