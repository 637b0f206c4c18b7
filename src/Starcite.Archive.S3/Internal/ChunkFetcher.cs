using Starcite.Archive.S3.Layout;

namespace Starcite.Archive.S3.Internal;

/// <summary>
/// Fetches chunk objects for reads: complete chunks (immutable) are cached, and a fetch in flight is shared, so a
/// read can use the chunks the previous read fetched ahead. A partial chunk, or a miss, that came from a fetch some
/// other call started is fetched again, so a read never returns less than the archive held when it began. At most
/// <c>maxConcurrency</c> fetches run at once over all readers, which bounds the memory that read-ahead holds.
/// </summary>
internal sealed class ChunkFetcher(Func<string, long, CancellationToken, Task<Chunk?>> fetch, long cacheBytes, int maxConcurrency) : IAsyncDisposable
{
    private readonly LruCache<(string Session, long Index), Chunk> _complete = new(cacheBytes, c => c.Footprint);
    private readonly Dictionary<(string Session, long Index), Task<Fetched>> _inFlight = [];
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _lifetime = new();
    private readonly SemaphoreSlim _slots = new(maxConcurrency, maxConcurrency);

    /// <summary>A pending chunk of one read: <see cref="GetAsync"/> resolves it.</summary>
    internal readonly record struct Pending(string Session, long Index, Task<Fetched>? Task, Chunk? Cached, bool Joined);

    /// <summary>A finished fetch: never faulted, so an abandoned read-ahead leaves no unobserved exception.</summary>
    internal sealed record Fetched(Chunk? Chunk, Exception? Error);

    /// <summary>Starts (or joins) the fetch of a chunk, or finds it in the cache.</summary>
    public Pending Start(string session, long index)
    {
        var key = (session, index);
        if (_complete.TryGet(key, out var cached))
        {
            return new Pending(session, index, null, cached, false);
        }

        lock (_gate)
        {
            if (_inFlight.TryGetValue(key, out var running))
            {
                return new Pending(session, index, running, null, true);
            }

            var task = Task.Run(() => RunAsync(key));
            _inFlight[key] = task;
            return new Pending(session, index, task, null, false);
        }
    }

    /// <summary>The chunk, or null when the object does not exist.</summary>
    /// <exception cref="Exception">Whatever the fetch threw (S3 or corrupt-object errors).</exception>
    public async Task<Chunk?> GetAsync(Pending pending, CancellationToken cancellationToken)
    {
        if (pending.Cached is { } cached)
        {
            return cached;
        }

        var fetched = await pending.Task!.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (pending.Joined && fetched.Chunk is not { IsComplete: true })
        {
            // Another call started that fetch, maybe before the newest write: only a complete chunk is surely current.
            var fresh = await fetch(pending.Session, pending.Index, cancellationToken).ConfigureAwait(false);
            Remember(pending.Session, fresh);
            return fresh;
        }

        if (fetched.Error is { } error)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
        }

        return fetched.Chunk;
    }

    /// <summary>Fetches a chunk in the background for a later read, unless it is cached, in flight, or too many are.</summary>
    public void Prefetch(string session, long index)
    {
        if (_complete.Contains((session, index)))
        {
            return;
        }

        lock (_gate)
        {
            if (_inFlight.Count >= maxConcurrency || _inFlight.ContainsKey((session, index)))
            {
                return;
            }
        }

        _ = Start(session, index);
    }

    public async ValueTask DisposeAsync()
    {
        await _lifetime.CancelAsync().ConfigureAwait(false);
        Task[] running;
        lock (_gate)
        {
            running = [.. _inFlight.Values];
        }

        await Task.WhenAll(running).ConfigureAwait(false); // they never fault
        _lifetime.Dispose();
        _slots.Dispose();
    }

    private async Task<Fetched> RunAsync((string Session, long Index) key)
    {
        var holding = false;
        try
        {
            await _slots.WaitAsync(_lifetime.Token).ConfigureAwait(false);
            holding = true;
            var chunk = await fetch(key.Session, key.Index, _lifetime.Token).ConfigureAwait(false);
            Remember(key.Session, chunk);
            return new Fetched(chunk, null);
        }
        catch (Exception e)
        {
            return new Fetched(null, e);
        }
        finally
        {
            if (holding)
            {
                _slots.Release();
            }

            lock (_gate)
            {
                _inFlight.Remove(key);
            }
        }
    }

    private void Remember(string session, Chunk? chunk)
    {
        if (chunk is { IsComplete: true })
        {
            _complete.Set((session, chunk.Index), chunk);
        }
    }
}
