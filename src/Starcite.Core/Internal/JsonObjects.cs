using System.Buffers;
using System.Text.Json;

namespace Starcite.Internal;

/// <summary>Validates client JSON objects and rewrites them compactly, so every read path can emit them verbatim.</summary>
internal static class JsonObjects
{
    /// <summary>The compact empty object, stored for absent or null metadata and refs.</summary>
    public static readonly byte[] Empty = "{}"u8.ToArray();

    private const int MaxDepth = 64;

    /// <summary>
    /// Returns <paramref name="json"/> as a compact JSON object, or <see cref="Empty"/> when it is JSON <c>null</c> and
    /// <paramref name="allowNull"/> is set.
    /// </summary>
    /// <exception cref="InvalidRequestException">The text is not a JSON object.</exception>
    public static byte[] Normalize(ReadOnlySpan<byte> json, string field, string code, bool allowNull)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = MaxDepth });
        try
        {
            if (!reader.Read())
            {
                throw Invalid(field, code, "must be a JSON object");
            }

            if (reader.TokenType == JsonTokenType.Null && allowNull)
            {
                EnsureEnd(ref reader, field, code);
                return Empty;
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw Invalid(field, code, "must be a JSON object");
            }

            var output = new ArrayBufferWriter<byte>(json.Length);
            using (var writer = new Utf8JsonWriter(output, new JsonWriterOptions { SkipValidation = true, MaxDepth = MaxDepth }))
            {
                writer.WriteStartObject();
                CopyUntilEndOfObject(ref reader, writer);
            }

            EnsureEnd(ref reader, field, code);
            return output.WrittenSpan.ToArray();
        }
        catch (JsonException ex)
        {
            throw Invalid(field, code, $"is not valid JSON ({ex.Message})");
        }
    }

    /// <summary>True when <paramref name="json"/> is a single JSON object (used for the stored, already compact form).</summary>
    public static bool IsObject(ReadOnlySpan<byte> json) => json.Length >= 2 && json[0] == (byte)'{';

    private static void CopyUntilEndOfObject(ref Utf8JsonReader reader, Utf8JsonWriter writer)
    {
        var depth = reader.CurrentDepth;
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject: writer.WriteStartObject(); break;
                case JsonTokenType.EndObject: writer.WriteEndObject(); break;
                case JsonTokenType.StartArray: writer.WriteStartArray(); break;
                case JsonTokenType.EndArray: writer.WriteEndArray(); break;
                case JsonTokenType.PropertyName: writer.WritePropertyName(Raw(ref reader)); break;
                case JsonTokenType.String: writer.WriteStringValue(Raw(ref reader)); break;
                case JsonTokenType.Number: writer.WriteRawValue(reader.ValueSpan, skipInputValidation: true); break;
                case JsonTokenType.True: writer.WriteBooleanValue(true); break;
                case JsonTokenType.False: writer.WriteBooleanValue(false); break;
                case JsonTokenType.Null: writer.WriteNullValue(); break;
                default: break;
            }

            if (reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == depth)
            {
                return;
            }
        }
    }

    // Strings are re-encoded from their unescaped value: the writer escapes what JSON requires, so every stored
    // string is valid, and invalid UTF-8 in the input is rejected by the reader rather than stored.
    private static string Raw(ref Utf8JsonReader reader) => reader.GetString()!;

    private static void EnsureEnd(ref Utf8JsonReader reader, string field, string code)
    {
        if (reader.Read())
        {
            throw Invalid(field, code, "has trailing data after the JSON value");
        }
    }

    private static InvalidRequestException Invalid(string field, string code, string what) =>
        new(code, field, $"{field} {what}");
}
