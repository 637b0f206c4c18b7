using System.Buffers;
using System.Text.Json;
using Starcite.Sessions;

namespace Starcite.Archive.S3.Layout;

/// <summary>A session record object: the contract's session JSON (§2), metadata as the raw JSON the engine stored.</summary>
internal static class SessionRecords
{
    public static byte[] Write(SessionInfo session)
    {
        var buffer = new ArrayBufferWriter<byte>(256 + session.Metadata.Length);
        using (var writer = new Utf8JsonWriter(buffer, JsonFormats.Writer))
        {
            writer.WriteStartObject();
            writer.WriteString("id"u8, session.Id);
            writer.WriteString("title"u8, session.Title);
            writer.WritePropertyName("metadata"u8);
            writer.WriteRawValue(session.Metadata.Span);
            writer.WritePropertyName("creator_principal"u8);
            if (session.CreatorPrincipal is { } principal)
            {
                writer.WriteStartObject();
                writer.WriteString("tenant_id"u8, principal.TenantId);
                writer.WriteString("id"u8, principal.Id);
                writer.WriteString("type"u8, principal.Type switch
                {
                    PrincipalType.User => "user",
                    PrincipalType.Agent => "agent",
                    _ => throw new ArgumentOutOfRangeException(nameof(session), principal.Type, "Unknown principal type."),
                });
                writer.WriteEndObject();
            }
            else
            {
                writer.WriteNullValue();
            }

            writer.WriteNumber("last_seq"u8, session.LastSeq);
            writer.WriteNumber("archived_seq"u8, session.ArchivedSeq);
            JsonFormats.WriteTimestamp(writer, "created_at"u8, session.CreatedAt);
            JsonFormats.WriteTimestamp(writer, "updated_at"u8, session.UpdatedAt);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <exception cref="InvalidDataException">The object is not a session record.</exception>
    public static SessionInfo Read(byte[] data, string key)
    {
        string? id = null, title = null;
        ReadOnlyMemory<byte>? metadata = null;
        Principal? creator = null;
        long? lastSeq = null, archivedSeq = null;
        DateTimeOffset? createdAt = null, updatedAt = null;
        var reader = new Utf8JsonReader(data, JsonFormats.Reader);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new InvalidDataException($"Session record {key} is not a JSON object.");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                reader.Read();
                switch (name)
                {
                    case "id":
                        id = JsonFormats.RequiredString(ref reader, "id");
                        break;
                    case "title":
                        title = JsonFormats.NullableString(ref reader);
                        break;
                    case "metadata":
                        metadata = JsonFormats.RawValue(ref reader, data);
                        break;
                    case "creator_principal":
                        creator = reader.TokenType == JsonTokenType.Null ? null : ReadPrincipal(ref reader);
                        break;
                    case "last_seq":
                        lastSeq = reader.GetInt64();
                        break;
                    case "archived_seq":
                        archivedSeq = reader.GetInt64();
                        break;
                    case "created_at":
                        createdAt = JsonFormats.ReadTimestamp(ref reader);
                        break;
                    case "updated_at":
                        updatedAt = JsonFormats.ReadTimestamp(ref reader);
                        break;
                    default:
                        reader.Skip(); // a field a later version added
                        break;
                }
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"Session record {key} is not valid JSON of a session.", e);
        }

        return new SessionInfo(
            id ?? throw JsonFormats.Missing("id"),
            title,
            metadata ?? throw JsonFormats.Missing("metadata"),
            creator,
            lastSeq ?? throw JsonFormats.Missing("last_seq"),
            archivedSeq ?? throw JsonFormats.Missing("archived_seq"),
            createdAt ?? throw JsonFormats.Missing("created_at"),
            updatedAt ?? throw JsonFormats.Missing("updated_at"));
    }

    private static Principal ReadPrincipal(ref Utf8JsonReader reader)
    {
        string? tenantId = null, id = null, type = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString();
            reader.Read();
            switch (name)
            {
                case "tenant_id":
                    tenantId = JsonFormats.RequiredString(ref reader, "creator_principal.tenant_id");
                    break;
                case "id":
                    id = JsonFormats.RequiredString(ref reader, "creator_principal.id");
                    break;
                case "type":
                    type = JsonFormats.RequiredString(ref reader, "creator_principal.type");
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return new Principal(
            tenantId ?? throw JsonFormats.Missing("creator_principal.tenant_id"),
            id ?? throw JsonFormats.Missing("creator_principal.id"),
            type switch
            {
                "user" => PrincipalType.User,
                "agent" => PrincipalType.Agent,
                _ => throw JsonFormats.Missing("creator_principal.type"),
            });
    }
}
