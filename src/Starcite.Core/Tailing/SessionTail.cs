using System.Runtime.CompilerServices;
using Starcite.Sessions;

namespace Starcite.Tailing;

/// <summary>
/// A reader of one session from a cursor: history first, then live events as they become durable, each exactly once
/// and in order. Shaped like a single-consumer <c>ChannelReader</c>: <see cref="TryRead"/>, <see cref="WaitToReadAsync"/>,
/// <see cref="ReadAllAsync"/> and <see cref="Completion"/>.
/// </summary>
/// <remarks>
/// Not thread-safe: one consumer at a time. The tail holds no buffer the writers fill: it pulls durable events when
/// asked, from memory while it keeps up and from storage when it falls behind, so it never blocks writers and never
/// loses events. It ends (<see cref="WaitToReadAsync"/> returns false) when the engine shuts down, after delivering
/// what it had already fetched; resume from <see cref="Cursor"/> on a reopened engine.
/// </remarks>
public sealed class SessionTail : IAsyncDisposable
{
    private readonly StarciteEngine _engine;
    private readonly SessionRuntime _runtime;
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private List<SessionEvent> _batch = [];
    private int _batchIndex;
    private long _cursor;
    private int _disposed;

    internal SessionTail(StarciteEngine engine, SessionRuntime runtime, long cursor)
    {
        _engine = engine;
        _runtime = runtime;
        _cursor = cursor;
        runtime.AddLiveReader(engine.TailRecentCapacity);
        engine.Metrics.OnTailOpened();
    }

    /// <summary>The session being read.</summary>
    public string SessionId => _runtime.Header.Id;

    /// <summary>The seq of the last event returned (the start cursor before the first).</summary>
    public long Cursor => _cursor;

    /// <summary>Completes when the tail has ended: successfully at engine shutdown, faulted when storage failed.</summary>
    public Task Completion => _completion.Task;

    /// <summary>Returns the next event if one is ready without waiting.</summary>
    public bool TryRead(out SessionEvent item)
    {
        if (_batchIndex < _batch.Count || TryFillFromMemory())
        {
            item = _batch[_batchIndex++];
            _cursor = item.Seq;
            return true;
        }

        item = null!;
        return false;
    }

    /// <summary>Waits until an event is ready; false when the tail has ended.</summary>
    /// <exception cref="StorageFailedException">A stored event cannot be read, or the store failed.</exception>
    /// <exception cref="ObjectDisposedException">The tail was disposed.</exception>
    public async ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        try
        {
            while (true)
            {
                if (_batchIndex < _batch.Count)
                {
                    return true;
                }

                var pulse = _runtime.Signal.NextPulse();
                var committed = _runtime.CommittedSeq;
                if (committed > _cursor)
                {
                    if (!TryFillFromMemory())
                    {
                        var count = (int)Math.Min(committed - _cursor, _engine.ReadBatchSize);
                        SetBatch(await _engine.ReadRangeAsync(_runtime, _cursor, count, forTail: true, cancellationToken).ConfigureAwait(false));
                    }

                    return true;
                }

                if (_engine.IsStopping || Volatile.Read(ref _disposed) == 1)
                {
                    _completion.TrySetResult();
                    return false;
                }

                await pulse.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (EngineClosedException)
        {
            _completion.TrySetResult(); // the engine closed under the read: end like at shutdown
            return false;
        }
        catch (StarciteException ex)
        {
            _completion.TrySetException(ex);
            throw;
        }
    }

    /// <summary>Every event from the cursor on, until the tail ends or <paramref name="cancellationToken"/> fires.</summary>
    public async IAsyncEnumerable<SessionEvent> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (await WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            while (TryRead(out var item))
            {
                yield return item;
            }
        }
    }

    /// <summary>Stops the tail and releases its share of the session's in-memory window.</summary>
    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _runtime.RemoveLiveReader();
            _engine.Metrics.OnTailClosed();
            _completion.TrySetResult();
            _runtime.Signal.Pulse(); // a WaitToReadAsync in progress wakes and returns false (other readers just re-check)
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Takes the durable events after the cursor that the in-memory window still holds.</summary>
    private bool TryFillFromMemory()
    {
        var recent = _runtime.Recent;
        var committed = _runtime.CommittedSeq;
        if (recent is null || committed <= _cursor)
        {
            return false;
        }

        // Decide on what was actually copied: a writer may overwrite any slot at any moment, including the first.
        var limit = (int)Math.Min(committed - _cursor, _engine.ReadBatchSize);
        var batch = new List<SessionEvent>(Math.Min(limit, 64));
        for (var seq = _cursor + 1; batch.Count < limit && recent.Get(seq) is { } held; seq++)
        {
            batch.Add(held);
        }

        if (batch.Count == 0)
        {
            return false;
        }

        _engine.Metrics.OnDelivered(batch.Count, fromMemory: true);
        SetBatch(batch);
        return true;
    }

    private void SetBatch(List<SessionEvent> batch)
    {
        _batch = batch;
        _batchIndex = 0;
    }
}
