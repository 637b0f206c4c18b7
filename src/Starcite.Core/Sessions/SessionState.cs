namespace Starcite.Sessions;

/// <summary>
/// The decide-relevant state of one session: its header, last seq and producer table. Mutated only by
/// <see cref="Apply"/>, by one writer at a time (the session's lock, or the recovery replay).
/// </summary>
internal sealed class SessionState
{
    private readonly Dictionary<string, ProducerState> _producers;

    public SessionState(SessionHeader header)
        : this(header, 0, header.CreatedAtMicros, new Dictionary<string, ProducerState>(StringComparer.Ordinal), ArchiveProgress.None)
    {
    }

    public SessionState(SessionHeader header, long lastSeq, long updatedAtMicros, Dictionary<string, ProducerState> producers, ArchiveProgress archive)
    {
        Header = header;
        LastSeq = lastSeq;
        UpdatedAtMicros = updatedAtMicros;
        _producers = producers;
        Archive = archive;
    }

    public SessionHeader Header { get; }

    public long LastSeq { get; private set; }

    public long UpdatedAtMicros { get; private set; }

    public IReadOnlyDictionary<string, ProducerState> Producers => _producers;

    /// <summary>How far the archive has confirmed this session, and the bytes of its event records on either side.</summary>
    public ArchiveProgress Archive { get; private set; }

    public bool WasAccepted(string producerId, long producerSeq) =>
        _producers.TryGetValue(producerId, out var producer) && producer.Accepted(producerSeq);

    /// <summary>
    /// Records an accepted event (seq, producer, time and record address). Events must arrive in seq order with no
    /// gap; the record's size (<paramref name="recordBytes"/>) counts as un-archived data until the archive confirms it.
    /// </summary>
    /// <exception cref="InvalidOperationException">The event is not the next one; the log or the caller is broken.</exception>
    public ProducerState Apply(long seq, string producerId, long producerSeq, long insertedAtMicros, long address, int recordBytes)
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
        Archive = Archive with { TotalBytes = Archive.TotalBytes + recordBytes };
        return producer;
    }

    /// <summary>
    /// Records that the archive confirmed events up to <paramref name="archivedSeq"/>, whose records total
    /// <paramref name="archivedBytes"/> beyond what was archived before. Never moves backwards, never past the last seq;
    /// returns the bytes that stopped counting as un-archived (0 when nothing changed).
    /// </summary>
    public long ApplyArchived(long archivedSeq, long archivedBytes)
    {
        if (archivedSeq <= Archive.ArchivedSeq || archivedSeq > LastSeq)
        {
            return 0;
        }

        var bytes = Math.Min(archivedBytes, Archive.UnarchivedBytes);
        Archive = Archive with { ArchivedSeq = archivedSeq, ArchivedBytes = Archive.ArchivedBytes + bytes };
        return bytes;
    }
}
