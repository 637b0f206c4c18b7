using Amazon.S3;
using Starcite.Archive.S3.Internal;
using Starcite.Archive.S3.Layout;
using Starcite.Sessions;

namespace Starcite.Archive.S3;

public sealed partial class S3ArchiveStore
{
    // A generous first page without letting limit = int.MaxValue allocate gigabytes up front.
    private const int MaxInitialCapacity = 1024;

    /// <inheritdoc />
    /// <remarks>
    /// Chunk keys are computed from the seqs, so no listing is needed: the read fetches the chunk holding
    /// <c>afterSeq + 1</c> and up to <see cref="S3ArchiveOptions.ReadAheadChunks"/> following ones in parallel, and
    /// when it ends on a complete chunk it starts fetching the next ones for the read that follows. It stops at a
    /// missing chunk or a gap, so the result is consecutive. Returned events share the chunk's buffer; never write into it.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="sessionId"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="sessionId"/> is not a valid session id.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="afterSeq"/> is negative or <paramref name="limit"/> is below 1.</exception>
    /// <exception cref="AmazonS3Exception">S3 refused a request.</exception>
    /// <exception cref="InvalidDataException">A chunk object is corrupt.</exception>
    /// <exception cref="IOException">An object kept coming back torn or unreadable on every attempt (a server that rewrites objects in place while they are written, or a broken connection).</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public async ValueTask<IReadOnlyList<SessionEvent>> ReadEventsAsync(string sessionId, long afterSeq, int limit, CancellationToken cancellationToken)
    {
        ArchiveArguments.ValidateRead(sessionId, afterSeq, limit);
        var size = await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        if (afterSeq == long.MaxValue)
        {
            return []; // no seq follows, and afterSeq + 1 would overflow
        }

        var next = afterSeq + 1;
        var lastWanted = ArchiveArguments.LastWanted(afterSeq, limit);
        var lastIndex = Chunk.IndexOf(lastWanted, size);
        var events = new List<SessionEvent>(Math.Min(limit, MaxInitialCapacity));
        var window = new Queue<ChunkFetcher.Pending>();
        var scheduled = Chunk.IndexOf(next, size);
        Chunk? lastRead = null;
        while (true)
        {
            for (; window.Count <= _options.ReadAheadChunks && scheduled <= lastIndex; scheduled++)
            {
                window.Enqueue(_fetcher.Start(sessionId, scheduled));
            }

            if (!window.TryDequeue(out var pending))
            {
                break;
            }

            var chunk = await _fetcher.GetAsync(pending, cancellationToken).ConfigureAwait(false);
            if (chunk is null)
            {
                break;
            }

            lastRead = chunk;
            next = chunk.CollectConsecutive(sessionId, next, lastWanted, events);
            if (next <= chunk.LastSeqOfRange)
            {
                break; // the limit, a partial chunk (the archive's end) or a gap
            }
        }

        // Fetches still in the window keep running and land in the cache; a read that ended on a complete chunk is
        // probably followed by one from where it stopped, so fetch ahead for it too.
        if (lastRead is { IsComplete: true } && events.Count == limit)
        {
            for (var i = 1; i <= _options.ReadAheadChunks; i++)
            {
                _fetcher.Prefetch(sessionId, Chunk.IndexOf(next, size) + i - 1);
            }
        }

        return events;
    }
}
