using Starcite.Archive;
using Starcite.Sessions;

namespace Starcite.Benchmarks.Load;

/// <summary>
/// Passes every call to the real store and counts the reads, so a replay can show that its events really came from
/// the archive (and a local replay that none did).
/// </summary>
internal sealed class CountingArchiveStore(IArchiveStore inner) : IArchiveStore
{
    private long _reads;
    private long _eventsRead;

    public long Reads => Interlocked.Read(ref _reads);

    public long EventsRead => Interlocked.Read(ref _eventsRead);

    public ValueTask WriteAsync(IReadOnlyList<ArchiveWrite> batch, CancellationToken cancellationToken) => inner.WriteAsync(batch, cancellationToken);

    public async ValueTask<IReadOnlyList<SessionEvent>> ReadEventsAsync(string sessionId, long afterSeq, int limit, CancellationToken cancellationToken)
    {
        var events = await inner.ReadEventsAsync(sessionId, afterSeq, limit, cancellationToken);
        Interlocked.Increment(ref _reads);
        Interlocked.Add(ref _eventsRead, events.Count);
        return events;
    }

    public ValueTask<SessionPage> ListSessionsAsync(string? afterId, int limit, CancellationToken cancellationToken) =>
        inner.ListSessionsAsync(afterId, limit, cancellationToken);
}
