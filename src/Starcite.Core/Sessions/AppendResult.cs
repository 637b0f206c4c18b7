namespace Starcite.Sessions;

/// <summary>The outcome of an append. Every outcome it reports is durable when it is returned.</summary>
/// <param name="Status">What happened.</param>
/// <param name="Seq">The event's seq (<see cref="AppendStatus.Appended"/> or <see cref="AppendStatus.Duplicate"/>); otherwise 0.</param>
/// <param name="LastSeq">The session's durable <c>last_seq</c> when the decision was made (0 when the session is missing).</param>
/// <param name="ExpectedProducerSeq">For <see cref="AppendStatus.ProducerSeqConflict"/>: the producer_seq the producer must send next.</param>
public readonly record struct AppendResult(AppendStatus Status, long Seq, long LastSeq, long ExpectedProducerSeq = 0)
{
    /// <summary>True when the append was a retry of an already accepted event.</summary>
    public bool Deduped => Status == AppendStatus.Duplicate;

    /// <summary>True when the event is in the session (freshly appended or deduplicated).</summary>
    public bool Succeeded => Status is AppendStatus.Appended or AppendStatus.Duplicate;
}
