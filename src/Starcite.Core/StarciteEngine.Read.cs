using Starcite.Sessions;
using Starcite.Storage;
using Starcite.Storage.Codec;
using Starcite.Tailing;

namespace Starcite;

public sealed partial class StarciteEngine
{
    /// <summary>The default history page size.</summary>
    public const int DefaultPageLimit = 100;

    /// <summary>The largest history page.</summary>
    public const int MaxPageLimit = 1000;

    /// <summary>Reads one page of history: events with seq greater than <paramref name="cursor"/>, in order (contract §4).</summary>
    /// <param name="sessionId">The session.</param>
    /// <param name="cursor">The last seq already processed (0 = from the start).</param>
    /// <param name="limit">At most this many events, 1-1000.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="SessionNotFoundException">The session does not exist.</exception>
    /// <exception cref="InvalidRequestException"><c>invalid_cursor</c> (negative, or beyond <c>last_seq</c>) or <c>invalid_limit</c>.</exception>
    /// <exception cref="StorageFailedException">A stored event cannot be read.</exception>
    /// <exception cref="UnavailableException">In a cluster: no leader, or no quorum to confirm the read point.</exception>
    public async ValueTask<EventPage> ReadEventsAsync(string sessionId, long cursor = 0, int limit = DefaultPageLimit, CancellationToken cancellationToken = default)
    {
        if (limit is < 1 or > MaxPageLimit)
        {
            throw new InvalidRequestException("invalid_limit", "limit", $"limit must be an integer from 1 to {MaxPageLimit}");
        }

        await ReadBarrierAsync(cancellationToken).ConfigureAwait(false);
        var runtime = ResolveForRead(sessionId, cursor);
        var lastSeq = runtime.CommittedSeq;
        var events = await ReadRangeAsync(runtime, cursor, (int)Math.Min(limit, lastSeq - cursor), forTail: false, cancellationToken).ConfigureAwait(false);
        return new EventPage(events, events.Count > 0 ? events[^1].Seq : cursor, lastSeq);
    }

    /// <summary>
    /// Opens a tail: every event with seq greater than <paramref name="cursor"/>, first from history, then live as it
    /// becomes durable, exactly once and in order (contract §4).
    /// </summary>
    /// <remarks>
    /// In a cluster, prefer <see cref="OpenTailAsync"/>, which checks the cursor after a read barrier.
    /// A tail pulls: writers only publish and signal, so a slow or stopped reader never slows them, and a reader that
    /// falls behind the in-memory window simply reads from storage until it catches up. Dispose the tail when done.
    /// </remarks>
    /// <exception cref="SessionNotFoundException">The session does not exist.</exception>
    /// <exception cref="InvalidRequestException"><c>invalid_cursor</c>: negative, or beyond the session's <c>last_seq</c>.</exception>
    public SessionTail OpenTail(string sessionId, long cursor = 0)
    {
        var runtime = ResolveForRead(sessionId, cursor);
        return new SessionTail(this, runtime, cursor);
    }

    private const int MaxReadsInFlight = 64;
    private const int MinScanEvents = 16;
    private const int MaxScanOverhead = 4;

    internal int TailRecentCapacity => _options.Tail.RecentEventsPerSession;

    internal int ReadBatchSize => _options.Tail.ReadBatchSize;

    internal bool IsStopping => IsClosed;

    internal Diagnostics.StarciteMetrics Metrics => _metrics;

    /// <summary>Reads up to <paramref name="count"/> durable events after <paramref name="afterSeq"/>: from memory when held, else from storage.</summary>
    /// <remarks>Storage reads of a batch are issued together, up to <see cref="MaxReadsInFlight"/> at a time: a read is one
    /// pread from the page cache, and many in flight cost little more than one.</remarks>
    /// <exception cref="EngineClosedException">The engine is closing; nothing was read.</exception>
    internal async ValueTask<List<SessionEvent>> ReadRangeAsync(SessionRuntime runtime, long afterSeq, int count, bool forTail, CancellationToken cancellationToken)
    {
        EnterStorage();
        try
        {
            return await ReadRangeInsideAsync(runtime, afterSeq, count, forTail, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _lifetime.Exit();
        }
    }

    private async ValueTask<List<SessionEvent>> ReadRangeInsideAsync(SessionRuntime runtime, long afterSeq, int count, bool forTail, CancellationToken cancellationToken)
    {
        var events = new SessionEvent[Math.Max(count, 0)];
        var missing = new List<int>();
        var recent = runtime.Recent;
        for (var i = 0; i < events.Length; i++)
        {
            if (recent?.Get(afterSeq + 1 + i) is { } held)
            {
                events[i] = held;
            }
            else
            {
                missing.Add(i);
            }
        }

        if (missing.Count == events.Length && events.Length >= MinScanEvents)
        {
            await ScanRangeAsync(runtime, afterSeq, events, missing, cancellationToken).ConfigureAwait(false);
        }

        for (var chunk = 0; chunk < missing.Count; chunk += MaxReadsInFlight)
        {
            var slots = missing.GetRange(chunk, Math.Min(MaxReadsInFlight, missing.Count - chunk));
            var reads = new ValueTask<SessionEvent>[slots.Count];
            for (var j = 0; j < slots.Count; j++)
            {
                var entry = await _index.TryGetAsync(IndexKey.ForSeq(runtime.Header.Number, afterSeq + 1 + slots[j]), cancellationToken).ConfigureAwait(false);
                if (!entry.Exists)
                {
                    throw new StorageFailedException($"Session {runtime.Header.Id}: the index has no entry for seq {afterSeq + 1 + slots[j]}.");
                }

#pragma warning disable CA2012 // stored to run reads concurrently; each is awaited exactly once below
                reads[j] = ReadEventAtAsync(runtime, entry.Position, cancellationToken);
#pragma warning restore CA2012
            }

            for (var j = 0; j < slots.Count; j++)
            {
                var stored = await reads[j].ConfigureAwait(false);
                if (stored.Seq != afterSeq + 1 + slots[j])
                {
                    throw new StorageFailedException($"Session {runtime.Header.Id}: seq {afterSeq + 1 + slots[j]} points at a record of seq {stored.Seq}.");
                }

                events[slots[j]] = stored;
            }
        }

        if (forTail)
        {
            _metrics.OnDelivered(events.Length - missing.Count, fromMemory: true);
            _metrics.OnDelivered(missing.Count, fromMemory: false);
        }

        return [.. events];
    }

    /// <summary>
    /// Reads a whole range with one sequential log scan when the session's records lie close together (the usual case:
    /// a session's events are written in bursts), skipping other sessions' records by their header. Fills what it
    /// finds and removes those slots from <paramref name="missing"/>; point reads pick up anything left.
    /// </summary>
    private async ValueTask ScanRangeAsync(SessionRuntime runtime, long afterSeq, SessionEvent[] events, List<int> missing, CancellationToken cancellationToken)
    {
        var session = runtime.Header.Number;
        var first = await _index.TryGetAsync(IndexKey.ForSeq(session, afterSeq + 1), cancellationToken).ConfigureAwait(false);
        var last = await _index.TryGetAsync(IndexKey.ForSeq(session, afterSeq + events.Length), cancellationToken).ConfigureAwait(false);
        if (!first.Exists || !last.Exists || last.Address < first.Address)
        {
            return;
        }

        var (firstPosition, lastPosition) = (first.Position, last.Position);

        // Scan only when at least one byte in MaxScanOverhead belongs to this session (estimated from the two ends).
        var wanted = (long)events.Length * ((first.Length + last.Length) / 2);
        var spanned = last.Address + last.Length - first.Address;
        if (spanned > wanted * MaxScanOverhead)
        {
            return;
        }

        foreach (var record in _log.ReadCommitted(firstPosition, lastPosition))
        {
            if (RecordCodec.PeekEventSession(record.Bytes) != session)
            {
                continue;
            }

            var stored = DecodeEvent(runtime, record.Bytes, record.Address);
            var slot = stored.Seq - afterSeq - 1;
            if (slot >= 0 && slot < events.Length)
            {
                events[slot] = stored;
            }
        }

        missing.RemoveAll(slot => events[slot] is not null);
    }

    /// <summary>Reads the event an index entry names.</summary>
    private ValueTask<SessionEvent> ReadEventAsync(SessionRuntime runtime, IndexEntry entry, CancellationToken cancellationToken) =>
        ReadEventAtAsync(runtime, entry.Position, cancellationToken);

    private async ValueTask<SessionEvent> ReadEventAtAsync(SessionRuntime runtime, LogPosition position, CancellationToken cancellationToken)
    {
        var bytes = await _log.ReadAsync(position.Address, position.Length, cancellationToken).ConfigureAwait(false);
        return DecodeEvent(runtime, bytes, position.Address);
    }

    private static SessionEvent DecodeEvent(SessionRuntime runtime, byte[] record, long address)
    {
        try
        {
            return RecordCodec.ReadEvent(record, runtime.Header.Number, runtime.Header.Id);
        }
        catch (CorruptRecordException ex)
        {
            throw new StorageFailedException($"Session {runtime.Header.Id}: the record at {address} is corrupt.", ex);
        }
    }

    private SessionRuntime ResolveForRead(string sessionId, long cursor)
    {
        ArgumentNullException.ThrowIfNull(sessionId);
        ThrowIfUnavailableForReads();
        if (!_sessions.TryGet(sessionId, out var runtime) || !runtime.IsVisible)
        {
            throw new SessionNotFoundException(sessionId);
        }

        if (cursor < 0)
        {
            throw new InvalidRequestException("invalid_cursor", "cursor", "cursor must be an integer >= 0");
        }

        var lastSeq = runtime.CommittedSeq;
        if (cursor > lastSeq)
        {
            throw new InvalidRequestException("invalid_cursor", "cursor", $"cursor {cursor} is beyond last_seq {lastSeq}");
        }

        return runtime;
    }
}
