using System.Globalization;
using System.Text.Json;
using Starcite.Sessions;

namespace Starcite.Server.Contracts;

/// <summary>Writes sessions and events in the contract's JSON shape (§2, §4): the same bytes from every read path.</summary>
internal static class WireFormat
{
    public static void WriteSession(Utf8JsonWriter writer, SessionInfo session)
    {
        writer.WriteStartObject();
        writer.WriteString("id", session.Id);
        writer.WriteString("title", session.Title);
        writer.WritePropertyName("metadata");
        writer.WriteRawValue(session.Metadata.Span, skipInputValidation: true);
        writer.WritePropertyName("creator_principal");
        if (session.CreatorPrincipal is { } principal)
        {
            writer.WriteStartObject();
            writer.WriteString("tenant_id", principal.TenantId);
            writer.WriteString("id", principal.Id);
            writer.WriteString("type", principal.Type == PrincipalType.Agent ? "agent" : "user");
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNullValue();
        }

        writer.WriteNumber("last_seq", session.LastSeq);
        writer.WriteNumber("archived_seq", session.ArchivedSeq);
        WriteTimestamp(writer, "created_at", session.CreatedAt);
        WriteTimestamp(writer, "updated_at", session.UpdatedAt);
        writer.WriteEndObject();
    }

    public static void WriteEvent(Utf8JsonWriter writer, SessionEvent e)
    {
        writer.WriteStartObject();
        writer.WriteNumber("seq", e.Seq);
        writer.WriteString("type", e.Type);
        writer.WritePropertyName("payload");
        writer.WriteRawValue(e.Payload.Span, skipInputValidation: true);
        writer.WriteString("actor", e.Actor);
        writer.WriteString("producer_id", e.ProducerId);
        writer.WriteNumber("producer_seq", e.ProducerSeq);
        writer.WriteString("source", e.Source);
        writer.WritePropertyName("metadata");
        writer.WriteRawValue(e.Metadata.Span, skipInputValidation: true);
        writer.WritePropertyName("refs");
        writer.WriteRawValue(e.Refs.Span, skipInputValidation: true);
        writer.WriteString("idempotency_key", e.IdempotencyKey);
        WriteTimestamp(writer, "inserted_at", e.InsertedAt);
        writer.WriteEndObject();
    }

    private const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'";

    /// <summary>
    /// Writes UTC with microseconds and <c>Z</c>, as the contract shows (<c>2026-02-20T10:11:12.123456Z</c>), without
    /// allocating: every event on every read path carries one.
    /// </summary>
    private static void WriteTimestamp(Utf8JsonWriter writer, string name, DateTimeOffset value)
    {
        Span<char> text = stackalloc char[32];
        if (!value.UtcDateTime.TryFormat(text, out var length, TimestampFormat, CultureInfo.InvariantCulture))
        {
            throw new InvalidOperationException("A timestamp always fits in 32 characters.");
        }

        writer.WriteString(name, text[..length]);
    }
}
