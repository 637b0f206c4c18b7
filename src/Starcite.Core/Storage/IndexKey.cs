namespace Starcite.Storage;

/// <summary>
/// A key of the event index. <c>Producer = 0</c>: the event at <c>Seq</c> of the session. <c>Producer = n</c>: the
/// event the session's n-th producer sent with producer_seq <c>Seq</c>.
/// </summary>
internal readonly record struct IndexKey(long Session, long Producer, long Seq)
{
    public static IndexKey ForSeq(long session, long seq) => new(session, 0, seq);

    public static IndexKey ForProducer(long session, int producer, long producerSeq) => new(session, producer, producerSeq);
}
