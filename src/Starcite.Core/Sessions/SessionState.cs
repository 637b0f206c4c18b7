namespace Starcite.Sessions;

/// <summary>
/// The decide-relevant state of one session: its header, last seq and producer table. Mutated only by
/// <see cref="Apply"/>, by one writer at a time (the session's lock, or the recovery replay).
/// </summary>
internal sealed class SessionState
{
    private readonly Dictionary<string, ProducerState> _producers;

    public SessionState(SessionHeader header)
        : this(header, 0, header.CreatedAtMicros, new Dictionary<string, ProducerState>(StringComparer.Ordinal))
    {
    }

    public SessionState(SessionHeader header, long lastSeq, long updatedAtMicros, Dictionary<string, ProducerState> producers)
    {
        Header = header;
        LastSeq = lastSeq;
        UpdatedAtMicros = updatedAtMicros;
        _producers = producers;
    }

    public SessionHeader Header { get; }

    public long LastSeq { get; private set; }

    public long UpdatedAtMicros { get; private set; }

    public IReadOnlyDictionary<string, ProducerState> Producers => _producers;

    public bool WasAccepted(string producerId, long producerSeq) =>
        _producers.TryGetValue(producerId, out var producer) && producer.Accepted(producerSeq);

    /// <summary>Records an accepted event. Events must arrive in seq order with no gap.</summary>
    /// <exception cref="InvalidOperationException">The event is not the next one; the log or the caller is broken.</exception>
    public ProducerState Apply(long seq, string producerId, long producerSeq, long insertedAtMicros, long address)
    {
        if (seq != LastSeq + 1)
        {
            throw new InvalidOperationException($"Session {Header.Id}: event seq {seq} does not follow last seq {LastSeq}.");
        }

        if (!_producers.TryGetValue(producerId, out var producer))
        {
            producer = new ProducerState(_producers.Count + 1, producerSeq);
            _producers.Add(producerId, producer);
        }

        producer.LastProducerSeq = producerSeq;
        producer.LastSeq = seq;
        producer.LastAddress = address;
        LastSeq = seq;
        UpdatedAtMicros = insertedAtMicros;
        return producer;
    }
}
