using Starcite.Archive;
using Starcite.Sessions;

namespace Starcite.Cluster.Tests.Archive;

/// <summary>Counts one member's archive writes and keeps the batches the store confirmed; the real store does the work.</summary>
public sealed class CountingArchiveStore(IArchiveStore inner) : IArchiveStore, IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly List<ArchiveWrite> _confirmed = [];
    private int _writes;

    /// <summary>Calls of <see cref="WriteAsync"/> on this member, failed ones included.</summary>
    public int Writes => Volatile.Read(ref _writes);

    /// <summary>Every session write the store confirmed, in order.</summary>
    public List<ArchiveWrite> Confirmed
    {
        get
        {
            lock (_lock)
            {
                return [.. _confirmed];
            }
        }
    }

    public async ValueTask WriteAsync(IReadOnlyList<ArchiveWrite> batch, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _writes);
        await inner.WriteAsync(batch, cancellationToken);
        lock (_lock)
        {
            _confirmed.AddRange(batch);
        }
    }

    public ValueTask<IReadOnlyList<SessionEvent>> ReadEventsAsync(string sessionId, long afterSeq, int limit, CancellationToken cancellationToken) =>
        inner.ReadEventsAsync(sessionId, afterSeq, limit, cancellationToken);

    public ValueTask<SessionPage> ListSessionsAsync(string? afterId, int limit, CancellationToken cancellationToken) =>
        inner.ListSessionsAsync(afterId, limit, cancellationToken);

    public ValueTask DisposeAsync() => ((IAsyncDisposable)inner).DisposeAsync();
}
