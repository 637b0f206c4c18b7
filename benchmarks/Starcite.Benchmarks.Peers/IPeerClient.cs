namespace Starcite.Benchmarks.Peers;

/// <summary>
/// The session-log operations every system implements with the same meaning: per-session seq from 1 without gaps,
/// dedupe of <c>(producer_id, producer_seq)</c> answered with the original seq, an optional expected-seq check, range
/// reads and a gap-free subscription from a cursor. Safe for concurrent use by many writers.
/// </summary>
public interface IPeerClient : IAsyncDisposable
{
    /// <summary>Creates an empty session (a no-op where the system has no session object).</summary>
    ValueTask CreateSessionAsync(string sessionId, CancellationToken cancellationToken);

    /// <summary>Appends one event; returns only once the system acknowledged it in its durability class.</summary>
    ValueTask<PeerAppendResult> AppendAsync(string sessionId, PeerAppend append, CancellationToken cancellationToken);

    /// <summary>Events with seq greater than <paramref name="cursor"/>, in order, at most <paramref name="limit"/>.</summary>
    ValueTask<IReadOnlyList<PeerEvent>> ReadAsync(string sessionId, long cursor, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Subscribes from a cursor: every event with seq greater than it, first from history, then live, exactly once and
    /// in order. Returns once the live part is registered, so anything appended afterwards is delivered live.
    /// </summary>
    Task<IPeerSubscription> SubscribeAsync(string sessionId, long cursor, CancellationToken cancellationToken);

    /// <summary>
    /// Loads a session with <paramref name="events"/> events as fast as the system allows, for workloads that measure
    /// what happens afterwards (replay, memory, disk). The stored result is the same as that many appends.
    /// </summary>
    ValueTask SeedAsync(string sessionId, int events, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken);
}

/// <summary>A live subscription; dispose it to stop.</summary>
public interface IPeerSubscription : IAsyncDisposable
{
    /// <summary>The events in seq order; ends when the subscription is disposed or the token is cancelled.</summary>
    IAsyncEnumerable<PeerEvent> ReadAllAsync(CancellationToken cancellationToken);
}

/// <summary>One append: the producer identity makes retries idempotent; <see cref="ExpectedSeq"/> makes it conditional.</summary>
public readonly record struct PeerAppend(string ProducerId, long ProducerSeq, long? ExpectedSeq, ReadOnlyMemory<byte> Payload);

/// <summary>What an append did.</summary>
public enum PeerOutcome
{
    /// <summary>Appended at <see cref="PeerAppendResult.Seq"/>.</summary>
    Appended,

    /// <summary>A retry of an accepted event; <see cref="PeerAppendResult.Seq"/> is the original seq.</summary>
    Deduped,

    /// <summary>The session's last seq differed from the expected one; nothing was appended.</summary>
    ExpectedSeqConflict,
}

/// <summary>The outcome, the event's seq (0 on a conflict) and the session's last seq when it was decided.</summary>
public readonly record struct PeerAppendResult(PeerOutcome Outcome, long Seq, long LastSeq);

/// <summary>A stored event as read back.</summary>
public sealed record PeerEvent(long Seq, string ProducerId, long ProducerSeq, ReadOnlyMemory<byte> Payload);
