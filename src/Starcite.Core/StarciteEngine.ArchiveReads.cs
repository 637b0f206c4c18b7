using Starcite.Archive;
using Starcite.Sessions;
using Starcite.Storage;

namespace Starcite;

public sealed partial class StarciteEngine
{
    private ArchiveReadCache? _archiveCache;

    private ArchiveReadCache ArchiveCache => _archiveCache ??= new ArchiveReadCache(_options.Archive.ReadCacheEvents);

    /// <summary>
    /// Fills the slots of a range whose records were reclaimed from local storage, from the archive. A session's
    /// reclaimed events are always a prefix of it (records are reclaimed oldest first), so only a range that starts in
    /// it needs the archive; the whole archived part of the range is read there in one request.
    /// </summary>
    private async ValueTask ReadReclaimedAsync(SessionRuntime runtime, long afterSeq, SessionEvent[] events, List<int> missing, CancellationToken cancellationToken)
    {
        var firstSeq = afterSeq + 1 + missing[0];
        var archivedSeq = runtime.ArchivedSeq;
        if (firstSeq > archivedSeq)
        {
            return;
        }

        var first = await _index.TryGetAsync(IndexKey.ForSeq(runtime.Header.Number, firstSeq), cancellationToken).ConfigureAwait(false);
        if (first.Exists && first.Address >= _log.BeginAddress)
        {
            return; // still local
        }

        var lastSeq = Math.Min(afterSeq + 1 + missing[^1], archivedSeq);
        var archived = await ReadArchivedAsync(runtime, firstSeq - 1, (int)(lastSeq - firstSeq + 1), cancellationToken).ConfigureAwait(false);
        foreach (var e in archived)
        {
            events[e.Seq - afterSeq - 1] ??= e;
        }

        missing.RemoveAll(slot => events[slot] is not null);
    }

    /// <summary>Exactly <paramref name="count"/> archived events after <paramref name="afterSeq"/>, through the read cache.</summary>
    /// <exception cref="StorageFailedException">The archive does not hold events its confirmations said it holds.</exception>
    private async ValueTask<IReadOnlyList<SessionEvent>> ReadArchivedAsync(SessionRuntime runtime, long afterSeq, int count, CancellationToken cancellationToken)
    {
        var session = runtime.Header.Number;
        var result = new List<SessionEvent>(count);
        while (result.Count < count && ArchiveCache.Get(session, afterSeq + 1 + result.Count) is { } cached)
        {
            result.Add(cached);
        }

        while (result.Count < count)
        {
            var from = afterSeq + result.Count;
            IReadOnlyList<SessionEvent> fetched;
            try
            {
                fetched = await _archive!.ReadEventsAsync(runtime.Header.Id, from, count - result.Count, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException and not StarciteException)
            {
                throw new UnavailableException($"Session {runtime.Header.Id}: events after seq {from} are in the archive, which did not answer; retry shortly", ex);
            }

            if (fetched.Count == 0 || fetched[0].Seq != from + 1 || fetched[^1].Seq != from + fetched.Count)
            {
                throw new StorageFailedException($"Session {runtime.Header.Id}: the archive has no consecutive events after seq {from}, though it confirmed them.");
            }

            ArchiveCache.Put(session, fetched);
            result.AddRange(fetched.Take(count - result.Count));
        }

        return result;
    }
}
