using Starcite.Internal;
using Starcite.Tailing;

namespace Starcite.Sessions;

/// <summary>
/// One live session: its decide state (ahead of durability while appends are in flight), the durable position readers
/// see, and what wakes those readers. <see cref="SyncRoot"/> orders decide-and-enqueue and publication.
/// </summary>
internal sealed class SessionRuntime
{
    private readonly Queue<PendingEvent> _pending = new();
    private long _committedSeq;
    private long _committedUpdatedAtMicros;
    private int _visible;
    private int _liveReaders;
    private RecentEvents? _recent;

    public SessionRuntime(SessionState state, bool visible)
    {
        State = state;
        _committedSeq = state.LastSeq;
        _committedUpdatedAtMicros = state.UpdatedAtMicros;
        _visible = visible ? 1 : 0;
    }

    /// <summary>Guards <see cref="State"/>, the pending queue and publication.</summary>
    public Lock SyncRoot { get; } = new();

    public SessionState State { get; }

    public SessionHeader Header => State.Header;

    /// <summary>The highest seq that is durable and indexed; readers never see beyond it.</summary>
    public long CommittedSeq => Volatile.Read(ref _committedSeq);

    /// <summary>False between a creation being logged and being durable.</summary>
    public bool IsVisible => Volatile.Read(ref _visible) == 1;

    public CommitSignal Signal { get; } = new();

    public RecentEvents? Recent => Volatile.Read(ref _recent);

    /// <summary>Remembers an accepted event until it is durable. Call under <see cref="SyncRoot"/>, in seq order.</summary>
    public void AddPending(PendingEvent pending) => _pending.Enqueue(pending);

    /// <summary>
    /// Moves every pending event below <paramref name="committedUntilAddress"/> to the durable side, in order: index it,
    /// keep it for live readers, advance <see cref="CommittedSeq"/>; then wakes waiters. Any appender whose commit covers
    /// later events publishes earlier ones too, so the order of commit completions does not matter.
    /// </summary>
    public void Publish(long committedUntilAddress, Action<SessionHeader, PendingEvent> index)
    {
        var published = false;
        lock (SyncRoot)
        {
            var recent = _recent;
            while (_pending.TryPeek(out var next) && next.Position.Address < committedUntilAddress)
            {
                _pending.Dequeue();
                index(Header, next);
                recent?.Put(next.Event);
                Volatile.Write(ref _committedUpdatedAtMicros, UnixMicros.From(next.Event.InsertedAt));
                Volatile.Write(ref _committedSeq, next.Event.Seq);
                published = true;
            }
        }

        if (published)
        {
            Signal.Pulse();
        }
    }

    /// <summary>Sets the durable position during recovery, before any reader or writer exists.</summary>
    public void RestoreCommitted(long seq, long updatedAtMicros)
    {
        _committedSeq = seq;
        _committedUpdatedAtMicros = updatedAtMicros;
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
    public SessionInfo ToInfo() => new(
        Header.Id,
        Header.Title,
        Header.Metadata,
        Header.CreatorPrincipal,
        CommittedSeq,
        0,
        UnixMicros.ToDateTimeOffset(Header.CreatedAtMicros),
        UnixMicros.ToDateTimeOffset(Volatile.Read(ref _committedUpdatedAtMicros)));

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
