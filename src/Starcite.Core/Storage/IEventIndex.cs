namespace Starcite.Storage;

/// <summary>
/// A checkpointed map from <see cref="IndexKey"/> to <see cref="IndexEntry"/> (log position and seq). It is derived from durable records only, so it may
/// lag the log but never lead it; recovery replays the log from <see cref="CoveredAddress"/>.
/// </summary>
internal interface IEventIndex : IAsyncDisposable
{
    /// <summary>After opening: the log address the recovered checkpoint covers (everything before it is indexed).</summary>
    long CoveredAddress { get; }

    /// <remarks>Asynchronous because FASTER may have to wait for a page flush first; a synchronous upsert would block a
    /// thread-pool thread, and the flush completes on the thread pool.</remarks>
    ValueTask UpsertAsync(IndexKey key, IndexEntry entry);

    /// <summary>The entry for <paramref name="key"/>, or <see cref="IndexEntry.None"/> when the key is not indexed.</summary>
    ValueTask<IndexEntry> TryGetAsync(IndexKey key, CancellationToken cancellationToken);

    /// <summary>Persists the index, recording that it covers the log up to <paramref name="coveredAddress"/>.</summary>
    Task CheckpointAsync(long coveredAddress, CancellationToken cancellationToken);
}
