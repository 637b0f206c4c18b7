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
    public async ValueTask<EventPage> ReadEventsAsync(string sessionId, long cursor = 0, int limit = DefaultPageLimit, CancellationToken cancellationToken = default)
    {
        if (limit is < 1 or > MaxPageLimit)
        {
            throw new InvalidRequestException("invalid_limit", "limit", $"limit must be an integer from 1 to {MaxPageLimit}");
        }

        var runtime = ResolveForRead(sessionId, cursor);
        var lastSeq = runtime.CommittedSeq;
        var events = await ReadRangeAsync(runtime, cursor, (int)Math.Min(limit, lastSeq - cursor), cancellationToken).ConfigureAwait(false);
        return new EventPage(events, events.Count > 0 ? events[^1].Seq : cursor, lastSeq);
    }

    /// <summary>
    /// Opens a tail: every event with seq greater than <paramref name="cursor"/>, first from history, then live as it
    /// becomes durable, exactly once and in order (contract §4).
    /// </summary>
    /// <remarks>
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

    internal int TailRecentCapacity => _options.Tail.RecentEventsPerSession;

    internal int ReadBatchSize => _options.Tail.ReadBatchSize;

    internal bool IsStopping => IsClosed;

    internal Diagnostics.StarciteMetrics Metrics => _metrics;

    /// <summary>Reads up to <paramref name="count"/> durable events after <paramref name="afterSeq"/>: from memory when held, else from storage.</summary>
    internal async ValueTask<List<SessionEvent>> ReadRangeAsync(SessionRuntime runtime, long afterSeq, int count, CancellationToken cancellationToken)
    {
        var events = new List<SessionEvent>(Math.Max(count, 0));
        var recent = runtime.Recent;
        var fromMemory = 0;
        for (var seq = afterSeq + 1; seq <= afterSeq + count; seq++)
        {
            if (recent?.Get(seq) is { } held)
            {
                events.Add(held);
                fromMemory++;
                continue;
            }

            var address = await _index.TryGetAsync(IndexKey.ForSeq(runtime.Header.Number, seq), cancellationToken).ConfigureAwait(false);
            if (address < 0)
            {
                throw new StorageFailedException($"Session {runtime.Header.Id}: the index has no entry for seq {seq}.");
            }

            var stored = await ReadEventAtAsync(runtime, address, cancellationToken).ConfigureAwait(false);
            if (stored.Seq != seq)
            {
                throw new StorageFailedException($"Session {runtime.Header.Id}: seq {seq} points at a record of seq {stored.Seq}.");
            }

            events.Add(stored);
        }

        _metrics.OnDelivered(fromMemory, fromMemory: true);
        _metrics.OnDelivered(events.Count - fromMemory, fromMemory: false);
        return events;
    }

    private async ValueTask<SessionEvent> ReadEventAtAsync(SessionRuntime runtime, long address, CancellationToken cancellationToken)
    {
        var bytes = await _log.ReadAsync(address, cancellationToken).ConfigureAwait(false);
        try
        {
            return RecordCodec.ReadEvent(bytes, runtime.Header.Id);
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
