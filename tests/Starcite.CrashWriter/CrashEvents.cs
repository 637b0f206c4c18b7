using System.Text;
using System.Text.Json;
using Starcite.Sessions;

namespace Starcite.CrashWriter;

/// <summary>
/// The events the crash writer appends. Every field derives from (producer_id, producer_seq) alone, so a test can rebuild
/// the exact request behind any ack line, check stored content, and retry it to prove dedupe. Linked into the tests.
/// </summary>
internal static class CrashEvents
{
    public const string Type = "crash";

    public const string Actor = "agent:crash-writer";

    public const string Source = "crash-writer";

    /// <summary>The id of the writer's session number <paramref name="index"/>.</summary>
    public static string SessionId(int index) => $"crash-{index}";

    public static string IdempotencyKey(string producerId, long producerSeq) => $"{producerId}:{producerSeq}";

    /// <summary>A compact JSON object whose size varies with the seq, so records do not all have the same length.</summary>
    public static byte[] Payload(string producerId, long producerSeq)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteString("producer", producerId);
            writer.WriteNumber("n", producerSeq);
            writer.WriteString("pad", new string((char)('a' + (int)(producerSeq % 26)), (int)(producerSeq * 37 % 301)));
            writer.WriteEndObject();
        }

        return stream.ToArray();
    }

    public static byte[] Metadata(long producerSeq) => Encoding.UTF8.GetBytes($"{{\"mod\":{producerSeq % 7}}}");

    public static AppendRequest Request(string producerId, long producerSeq) => new()
    {
        Type = Type,
        Payload = Payload(producerId, producerSeq),
        Actor = Actor,
        ProducerId = producerId,
        ProducerSeq = producerSeq,
        Source = Source,
        Metadata = Metadata(producerSeq),
        IdempotencyKey = IdempotencyKey(producerId, producerSeq),
    };

    /// <summary>Null when <paramref name="stored"/> is exactly what <see cref="Request"/> sent; otherwise what differs.</summary>
    public static string? Mismatch(SessionEvent stored)
    {
        var expected = Request(stored.ProducerId, stored.ProducerSeq);
        return stored.Type != Type ? $"type {stored.Type}"
            : stored.Actor != Actor ? $"actor {stored.Actor}"
            : stored.Source != Source ? $"source {stored.Source}"
            : stored.IdempotencyKey != expected.IdempotencyKey ? $"idempotency_key {stored.IdempotencyKey}"
            : !stored.Payload.Span.SequenceEqual(expected.Payload.Span) ? $"payload {Encoding.UTF8.GetString(stored.Payload.Span)}"
            : !stored.Metadata.Span.SequenceEqual(expected.Metadata!.Value.Span) ? $"metadata {Encoding.UTF8.GetString(stored.Metadata.Span)}"
            : !stored.Refs.Span.SequenceEqual("{}"u8) ? $"refs {Encoding.UTF8.GetString(stored.Refs.Span)}"
            : null;
    }
}
