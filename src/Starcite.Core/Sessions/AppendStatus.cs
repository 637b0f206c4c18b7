namespace Starcite.Sessions;

/// <summary>The expected outcomes of an append. Values are persisted nowhere but are part of the public API: never renumber.</summary>
public enum AppendStatus
{
    /// <summary>The event was appended and is durable.</summary>
    Appended = 0,

    /// <summary>The same <c>(producer_id, producer_seq)</c> with the same content was accepted earlier; nothing was appended.</summary>
    Duplicate = 1,

    /// <summary>The session does not exist.</summary>
    SessionNotFound = 2,

    /// <summary>The same <c>(producer_id, producer_seq)</c> was accepted earlier with different content.</summary>
    ProducerReplayConflict = 3,

    /// <summary>The producer's sequence number is not the next one it must send.</summary>
    ProducerSeqConflict = 4,

    /// <summary>The session's <c>last_seq</c> is not the expected one.</summary>
    ExpectedSeqConflict = 5,

    /// <summary>Un-archived data is over its limit (<c>event_store_backpressure</c>): nothing was appended; retry later.</summary>
    EventStoreBackpressure = 6,
}
