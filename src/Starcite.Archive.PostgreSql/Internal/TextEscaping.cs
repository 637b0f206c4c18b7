using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Starcite.Archive.PostgreSql.Internal;

/// <summary>
/// PostgreSQL text cannot hold U+0000, which the engine accepts in strings. Such a value is stored as a JSON string
/// literal (<c>"a\u0000b"</c>) and its bit is set in the row's <c>escaped</c> column; every other value is stored
/// as is, so the tables stay readable with plain SQL.
/// </summary>
internal static class TextEscaping
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Returns the value to store, setting <paramref name="bit"/> in <paramref name="escaped"/> when it needed escaping.</summary>
    public static string? Encode(string? value, short bit, ref short escaped)
    {
        if (value is null || !value.Contains('\0', StringComparison.Ordinal))
        {
            return value;
        }

        escaped |= bit;
        var buffer = new ArrayBufferWriter<byte>(value.Length + 16);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStringValue(value);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Reverses <see cref="Encode"/>.</summary>
    public static string? Decode(string? stored, short bit, short escaped)
    {
        if (stored is null || (escaped & bit) == 0)
        {
            return stored;
        }

        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(stored));
        if (!reader.Read() || reader.TokenType != JsonTokenType.String)
        {
            throw new InvalidDataException("An escaped archive text column does not hold a JSON string.");
        }

        return reader.GetString();
    }
}
