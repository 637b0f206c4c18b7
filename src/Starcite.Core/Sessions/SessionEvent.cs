namespace Starcite.Sessions;

/// <summary>One committed event of a session, as every read path returns it.</summary>
/// <remarks>
/// JSON fields (<see cref="Payload"/>, <see cref="Metadata"/>, <see cref="Refs"/>) are compact UTF-8 JSON objects,
/// exactly as stored. The instance is immutable and may be shared between readers; never write into the buffers.
/// </remarks>
public sealed class SessionEvent
{
    /// <summary>Creates an event. Used by the engine; callers normally receive events rather than build them.</summary>
    public SessionEvent(
        string sessionId,
        long seq,
        string type,
        ReadOnlyMemory<byte> payload,
        string actor,
        string producerId,
        long producerSeq,
        string? source,
        ReadOnlyMemory<byte> metadata,
        ReadOnlyMemory<byte> refs,
        string? idempotencyKey,
        DateTimeOffset insertedAt)
    {
        SessionId = sessionId;
        Seq = seq;
        Type = type;
        Payload = payload;
        Actor = actor;
        ProducerId = producerId;
        ProducerSeq = producerSeq;
        Source = source;
        Metadata = metadata;
        Refs = refs;
        IdempotencyKey = idempotencyKey;
        InsertedAt = insertedAt;
    }

    /// <summary>The session this event belongs to.</summary>
    public string SessionId { get; }

    /// <summary>The event's position in its session: 1, 2, 3, ... with no gaps.</summary>
    public long Seq { get; }

    /// <summary>The event type, for example <c>content</c>.</summary>
    public string Type { get; }

    /// <summary>The payload, a compact UTF-8 JSON object.</summary>
    public ReadOnlyMemory<byte> Payload { get; }

    /// <summary>Who produced the event, for example <c>agent:drafter</c>.</summary>
    public string Actor { get; }

    /// <summary>The producer that appended the event.</summary>
    public string ProducerId { get; }

    /// <summary>The producer's own sequence number for this event.</summary>
    public long ProducerSeq { get; }

    /// <summary>Optional free-form source label.</summary>
    public string? Source { get; }

    /// <summary>Event metadata, a compact UTF-8 JSON object (<c>{}</c> when none was given).</summary>
    public ReadOnlyMemory<byte> Metadata { get; }

    /// <summary>Event references, a compact UTF-8 JSON object (<c>{}</c> when none was given).</summary>
    public ReadOnlyMemory<byte> Refs { get; }

    /// <summary>Optional idempotency key, stored and echoed.</summary>
    public string? IdempotencyKey { get; }

    /// <summary>When the accepting node accepted the event (UTC, microsecond precision). Fixed at acceptance.</summary>
    public DateTimeOffset InsertedAt { get; }
}
