using System.Text.Json;
using Starcite.Sessions;

namespace Starcite.Archive.S3.Layout;

/// <summary>
/// One event per line of a chunk: the contract's event JSON (§4) exactly, with payload, metadata and refs as the raw
/// compact JSON the engine stored, so they come back byte-exact. The session id is in the key, not the line.
/// </summary>
internal static class EventLines
{
    public static void Write(Utf8JsonWriter writer, SessionEvent e)
    {
        writer.WriteStartObject();
        writer.WriteNumber("seq"u8, e.Seq);
        writer.WriteString("type"u8, e.Type);
        writer.WritePropertyName("payload"u8);
        writer.WriteRawValue(e.Payload.Span); // validated: one bad value would make the whole chunk unreadable
        writer.WriteString("actor"u8, e.Actor);
        writer.WriteString("producer_id"u8, e.ProducerId);
        writer.WriteNumber("producer_seq"u8, e.ProducerSeq);
        writer.WriteString("source"u8, e.Source);
        writer.WritePropertyName("metadata"u8);
        writer.WriteRawValue(e.Metadata.Span);
        writer.WritePropertyName("refs"u8);
        writer.WriteRawValue(e.Refs.Span);
        writer.WriteString("idempotency_key"u8, e.IdempotencyKey);
        JsonFormats.WriteTimestamp(writer, "inserted_at"u8, e.InsertedAt);
        writer.WriteEndObject();
    }

    /// <summary>Decodes one line. JSON values are slices of <paramref name="line"/>, which must stay unchanged.</summary>
    /// <exception cref="InvalidDataException">The line is not an archived event.</exception>
    public static SessionEvent Read(string sessionId, ReadOnlyMemory<byte> line)
    {
        long? seq = null, producerSeq = null;
        string? type = null, actor = null, producerId = null, source = null, idempotencyKey = null;
        ReadOnlyMemory<byte>? payload = null, metadata = null, refs = null;
        DateTimeOffset? insertedAt = null;
        var reader = new Utf8JsonReader(line.Span, JsonFormats.Reader);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new InvalidDataException("An archived event line is not a JSON object.");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("seq"u8))
                {
                    reader.Read();
                    seq = reader.GetInt64();
                }
                else if (reader.ValueTextEquals("type"u8))
                {
                    reader.Read();
                    type = JsonFormats.RequiredString(ref reader, "type");
                }
                else if (reader.ValueTextEquals("payload"u8))
                {
                    reader.Read();
                    payload = JsonFormats.RawValue(ref reader, line);
                }
                else if (reader.ValueTextEquals("actor"u8))
                {
                    reader.Read();
                    actor = JsonFormats.RequiredString(ref reader, "actor");
                }
                else if (reader.ValueTextEquals("producer_id"u8))
                {
                    reader.Read();
                    producerId = JsonFormats.RequiredString(ref reader, "producer_id");
                }
                else if (reader.ValueTextEquals("producer_seq"u8))
                {
                    reader.Read();
                    producerSeq = reader.GetInt64();
                }
                else if (reader.ValueTextEquals("source"u8))
                {
                    reader.Read();
                    source = JsonFormats.NullableString(ref reader);
                }
                else if (reader.ValueTextEquals("metadata"u8))
                {
                    reader.Read();
                    metadata = JsonFormats.RawValue(ref reader, line);
                }
                else if (reader.ValueTextEquals("refs"u8))
                {
                    reader.Read();
                    refs = JsonFormats.RawValue(ref reader, line);
                }
                else if (reader.ValueTextEquals("idempotency_key"u8))
                {
                    reader.Read();
                    idempotencyKey = JsonFormats.NullableString(ref reader);
                }
                else if (reader.ValueTextEquals("inserted_at"u8))
                {
                    reader.Read();
                    insertedAt = JsonFormats.ReadTimestamp(ref reader);
                }
                else
                {
                    reader.Read(); // a field a later version added: skipped, so old readers keep working
                    reader.Skip();
                }
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException("An archived event line is not valid JSON of an event.", e);
        }

        return new SessionEvent(
            sessionId,
            seq ?? throw JsonFormats.Missing("seq"),
            type ?? throw JsonFormats.Missing("type"),
            payload ?? throw JsonFormats.Missing("payload"),
            actor ?? throw JsonFormats.Missing("actor"),
            producerId ?? throw JsonFormats.Missing("producer_id"),
            producerSeq ?? throw JsonFormats.Missing("producer_seq"),
            source,
            metadata ?? throw JsonFormats.Missing("metadata"),
            refs ?? throw JsonFormats.Missing("refs"),
            idempotencyKey,
            insertedAt ?? throw JsonFormats.Missing("inserted_at"));
    }
}
