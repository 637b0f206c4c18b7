using Starcite.Internal;
using Starcite.Tailing;

namespace Starcite.Sessions;

/// <summary>
/// One live session: its decide state (ahead of durability while appends are in flight), the durable position readers
/// see, and what wakes those readers. <see cref="SyncRoot"/> orders decide-and-enqueue and publication.
/// </summary>
internal sealed class SessionRuntime : IDisposable
{
    private readonly Queue<PendingEvent> _pending = new();
    private readonly SemaphoreSlim _publishing = new(1, 1);
    private long _committedSeq;
    private long _committedUpdatedAtMicros;
    private long _archivedSeq;
    private int _visible;
    private int _liveReaders;
    private RecentEvents? _recent;

    public SessionRuntime(SessionState state, bool visible)
    {
        State = state;
        _committedSeq = state.LastSeq;
        _committedUpdatedAtMicros = state.UpdatedAtMicros;
        _archivedSeq = state.Archive.ArchivedSeq;
        _visible = visible ? 1 : 0;
    }

    /// <summary>Guards <see cref="State"/>, the pending queue and publication.</summary>
    public Lock SyncRoot { get; } = new();

    public SessionState State { get; }

    public SessionHeader Header => State.Header;

    /// <summary>The highest seq that is durable and indexed; readers never see beyond it.</summary>
    public long CommittedSeq => Volatile.Read(ref _committedSeq);

    /// <summary>The highest seq the archive has confirmed, as durably recorded (what readers see as <c>archived_seq</c>).</summary>
    public long ArchivedSeq => Volatile.Read(ref _archivedSeq);

    /// <summary>Publishes a durable archive progress record's seq; never moves backwards.</summary>
    public void PublishArchived(long archivedSeq)
    {
        long current;
        while ((current = Volatile.Read(ref _archivedSeq)) < archivedSeq && Interlocked.CompareExchange(ref _archivedSeq, archivedSeq, current) != current)
        {
        }
    }

    /// <summary>False between a creation being logged and being durable.</summary>
    public bool IsVisible => Volatile.Read(ref _visible) == 1;

    public CommitSignal Signal { get; } = new();

    public RecentEvents? Recent => Volatile.Read(ref _recent);

    /// <summary>Remembers an accepted event until it is durable. Call under <see cref="SyncRoot"/>, in seq order.</summary>
    public void AddPending(PendingEvent pending) => _pending.Enqueue(pending);

    /// <summary>
    /// Moves every pending event below <paramref name="committedUntilAddress"/> to the durable side, in order: index it,
    /// keep it for live readers, advance <see cref="CommittedSeq"/>; then wakes waiters. Any appender whose commit covers
    /// later events publishes earlier ones too, so the order of commit completions does not matter. One publisher at a
    /// time (an async lock: indexing may wait for I/O); appenders keep deciding meanwhile.
    /// </summary>
    public async ValueTask PublishAsync(long committedUntilAddress, Func<SessionHeader, PendingEvent, ValueTask> index)
    {
        await _publishing.WaitAsync().ConfigureAwait(false);
        var published = false;
        try
        {
            while (true)
            {
                PendingEvent next;
                lock (SyncRoot)
                {
                    if (!_pending.TryPeek(out next) || next.Position.Address >= committedUntilAddress)
                    {
                        break;
                    }
                }

                await index(Header, next).ConfigureAwait(false); // indexed before any reader can ask for it
                lock (SyncRoot)
                {
                    _pending.Dequeue();
                }

                Recent?.Put(next.Event);
                Volatile.Write(ref _committedUpdatedAtMicros, UnixMicros.From(next.Event.InsertedAt));
                Volatile.Write(ref _committedSeq, next.Event.Seq);
                published = true;
            }
        }
        finally
        {
            _publishing.Release();
        }

        if (published)
        {
            Signal.Pulse();
        }
    }

    public void Dispose() => _publishing.Dispose();

    /// <summary>Sets the durable position during recovery, before any reader or writer exists.</summary>
    public void RestoreCommitted(long seq, long updatedAtMicros)
    {
        _committedSeq = seq;
        _committedUpdatedAtMicros = updatedAtMicros;
        _archivedSeq = State.Archive.ArchivedSeq;
    }

    /// <summary>Marks the session's creation durable.</summary>
    public void MarkVisible()
    {
        Volatile.Write(ref _visible, 1);
        Signal.Pulse();
    }

    /// <summary>Waits until <see cref="CommittedSeq"/> reaches <paramref name="seq"/>.</summary>
    public async ValueTask WaitForCommittedAsync(long seq, CancellationToken cancellationToken)
    {
        while (true)
        {
            var pulse = Signal.NextPulse();
            if (CommittedSeq >= seq)
            {
                return;
            }

            await pulse.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Waits until the creation is durable.</summary>
    public async ValueTask WaitVisibleAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var pulse = Signal.NextPulse();
            if (IsVisible)
            {
                return;
            }

            await pulse.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The session as readers see it: durable state only.</summary>
    public SessionInfo ToInfo()
    {
        // archived_seq first: it only follows last_seq, so read in this order the pair never shows archived > last.
        var archivedSeq = ArchivedSeq;
        return new(
            Header.Id,
            Header.Title,
            Header.Metadata,
            Header.CreatorPrincipal,
            CommittedSeq,
            archivedSeq,
            UnixMicros.ToDateTimeOffset(Header.CreatedAtMicros),
            UnixMicros.ToDateTimeOffset(Volatile.Read(ref _committedUpdatedAtMicros)));
    }

    /// <summary>Registers a live reader; the first one turns on the recent-events ring.</summary>
    public void AddLiveReader(int recentCapacity)
    {
        lock (SyncRoot)
        {
            if (_liveReaders++ == 0 && recentCapacity > 0)
            {
                Volatile.Write(ref _recent, new RecentEvents(recentCapacity));
            }
        }
    }

    /// <summary>Unregisters a live reader; the last one drops the ring.</summary>
    public void RemoveLiveReader()
    {
        lock (SyncRoot)
        {
            if (--_liveReaders == 0)
            {
                Volatile.Write(ref _recent, null);
            }
        }
    }
}
