namespace Starcite.Sessions;

/// <summary>
/// What a session remembers of one producer. Its accepted producer_seqs are exactly
/// <see cref="FirstProducerSeq"/>..<see cref="LastProducerSeq"/> (contract §3.3 makes them contiguous), so "was this
/// (producer_id, producer_seq) accepted?" is a range check; only finding an earlier event needs the index.
/// Mutable so the hot path allocates nothing per append; changed only under the session's lock.
/// </summary>
internal sealed class ProducerState(int number, long firstProducerSeq)
{
    /// <summary>The producer's number within its session (1, 2, ...), in order of first acceptance; part of index keys.</summary>
    public int Number { get; } = number;

    /// <summary>The producer's first accepted producer_seq.</summary>
    public long FirstProducerSeq { get; } = firstProducerSeq;

    /// <summary>The producer's latest accepted producer_seq.</summary>
    public long LastProducerSeq { get; set; }

    /// <summary>The session seq of the producer's latest accepted event.</summary>
    public long LastSeq { get; set; }

    /// <summary>Where that event is stored.</summary>
    public long LastAddress { get; set; }

    public bool Accepted(long producerSeq) => producerSeq >= FirstProducerSeq && producerSeq <= LastProducerSeq;
}
