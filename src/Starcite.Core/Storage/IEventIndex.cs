namespace Starcite.Storage;

/// <summary>
/// A checkpointed map from <see cref="IndexKey"/> to log address. It is derived from durable records only, so it may
/// lag the log but never lead it; recovery replays the log from <see cref="CoveredAddress"/>.
/// </summary>
internal interface IEventIndex : IAsyncDisposable
{
    /// <summary>After opening: the log address the recovered checkpoint covers (everything before it is indexed).</summary>
    long CoveredAddress { get; }

    void Upsert(IndexKey key, long address);

    /// <summary>The address for <paramref name="key"/>, or -1 when the key is not indexed.</summary>
    ValueTask<long> TryGetAsync(IndexKey key, CancellationToken cancellationToken);

    /// <summary>Persists the index, recording that it covers the log up to <paramref name="coveredAddress"/>.</summary>
    Task CheckpointAsync(long coveredAddress, CancellationToken cancellationToken);
}
