using Starcite.Sessions;

namespace Starcite.Archive.Tests.TestSupport;

/// <summary>
/// Wraps a real store and records what the engine asks of it: every write attempt, every write the store confirmed
/// (its seq range per session), and every read. <see cref="AfterStored"/> runs once the real store has made a write
/// durable and before the engine hears back, so a test can lose the confirmation (throw) or hold it (wait).
/// </summary>
/// <remarks>Thread-safe. Counting and hooks only; every byte goes to and comes from the real store underneath.</remarks>
public sealed class RecordingArchiveStore(IArchiveStore inner) : IArchiveStore, IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly List<IReadOnlyList<ArchiveWrite>> _confirmed = [];
    private readonly Dictionary<string, long> _confirmedSeq = new(StringComparer.Ordinal);
    private int _writeAttempts;
    private int _reads;

    /// <summary>Runs after the real store stored a batch, before the write returns to the engine; null: nothing.</summary>
    public Func<IReadOnlyList<ArchiveWrite>, CancellationToken, Task>? AfterStored { get; set; }

    public IArchiveStore Inner => inner;

    /// <summary>Calls of <see cref="WriteAsync"/>, failed ones included.</summary>
    public int WriteAttempts => Volatile.Read(ref _writeAttempts);

    /// <summary>Calls of <see cref="ReadEventsAsync"/>: reads the engine sent to the archive.</summary>
    public int Reads => Volatile.Read(ref _reads);

    /// <summary>Writes returned to the engine as successful, in order.</summary>
    public List<IReadOnlyList<ArchiveWrite>> Confirmed
    {
        get
        {
            lock (_lock)
            {
                return [.. _confirmed];
            }
        }
    }

    /// <summary>The highest seq of <paramref name="sessionId"/> in a write confirmed to the engine (0: none).</summary>
    public long ConfirmedSeq(string sessionId)
    {
        lock (_lock)
        {
            return _confirmedSeq.GetValueOrDefault(sessionId);
        }
    }

    public async ValueTask WriteAsync(IReadOnlyList<ArchiveWrite> batch, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _writeAttempts);
        await inner.WriteAsync(batch, cancellationToken);
        if (AfterStored is { } hook)
        {
            await hook(batch, cancellationToken);
        }

        lock (_lock)
        {
            _confirmed.Add(batch);
            foreach (var write in batch.Where(w => w.Events.Count > 0))
            {
                _confirmedSeq[write.Session.Id] = Math.Max(_confirmedSeq.GetValueOrDefault(write.Session.Id), write.Events[^1].Seq);
            }
        }
    }

    public ValueTask<IReadOnlyList<SessionEvent>> ReadEventsAsync(string sessionId, long afterSeq, int limit, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _reads);
        return inner.ReadEventsAsync(sessionId, afterSeq, limit, cancellationToken);
    }

    public ValueTask<SessionPage> ListSessionsAsync(string? afterId, int limit, CancellationToken cancellationToken) =>
        inner.ListSessionsAsync(afterId, limit, cancellationToken);

    public ValueTask DisposeAsync() => ((IAsyncDisposable)inner).DisposeAsync();
}
