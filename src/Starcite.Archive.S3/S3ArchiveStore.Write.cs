using System.Buffers;
using Amazon.S3;
using Starcite.Archive.S3.Layout;
using Starcite.Sessions;

namespace Starcite.Archive.S3;

public sealed partial class S3ArchiveStore
{
    private const string ChunkContentType = "application/x-ndjson";
    private const string RecordContentType = "application/json";

    /// <inheritdoc />
    /// <remarks>
    /// Stores every touched chunk (in parallel, up to <see cref="S3ArchiveOptions.MaxConcurrency"/> requests), then
    /// every session record. A chunk already holding all the events of the write for its range is not rewritten.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="batch"/> or part of it is null.</exception>
    /// <exception cref="ArgumentException">The batch breaks the rules of <see cref="ArchiveWrite"/>.</exception>
    /// <exception cref="AmazonS3Exception">S3 refused a request.</exception>
    /// <exception cref="InvalidDataException">A chunk to extend holds something that is not a chunk of its range.</exception>
    /// <exception cref="IOException">An object kept coming back torn or unreadable on every attempt (a server that rewrites objects in place while they are written, or a broken connection).</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public async ValueTask WriteAsync(IReadOnlyList<ArchiveWrite> batch, CancellationToken cancellationToken)
    {
        ArchiveArguments.ValidateBatch(batch);
        cancellationToken.ThrowIfCancellationRequested();
        if (batch.Count == 0)
        {
            return;
        }

        var size = await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var plan = PlanChunks(batch, size);
            var written = new Chunk[plan.Count];
            try
            {
                await Parallel.ForEachAsync(Enumerable.Range(0, plan.Count), Parallelism(cancellationToken), async (i, ct) =>
                    written[i] = await WriteChunkAsync(plan[i], ct).ConfigureAwait(false)).ConfigureAwait(false);
            }
            catch
            {
                // Which chunks landed is unknown now; the next write of these sessions reads them back.
                foreach (var write in batch)
                {
                    _lastWritten.Remove(write.Session.Id);
                }

                throw;
            }

            for (var i = 0; i < plan.Count; i++)
            {
                if (plan[i].IsLastOfSession)
                {
                    _lastWritten.Set(plan[i].SessionId, written[i]);
                }
            }

            await Parallel.ForEachAsync(batch, Parallelism(cancellationToken), async (write, ct) =>
                await PutObjectAsync(_keys.Record(write.Session.Id), SessionRecords.Write(write.Session), RecordContentType, ct)
                    .ConfigureAwait(false)).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private ParallelOptions Parallelism(CancellationToken cancellationToken) =>
        new() { MaxDegreeOfParallelism = _options.MaxConcurrency, CancellationToken = cancellationToken };

    /// <summary>One chunk's part of a write: events <c>[From, From + Count)</c> of the session's run.</summary>
    private sealed record ChunkWrite(string SessionId, long Index, IReadOnlyList<SessionEvent> Events, int From, int Count, bool IsLastOfSession);

    private static List<ChunkWrite> PlanChunks(IReadOnlyList<ArchiveWrite> batch, int size)
    {
        var plan = new List<ChunkWrite>();
        foreach (var write in batch)
        {
            var events = write.Events;
            for (var from = 0; from < events.Count;)
            {
                var index = Chunk.IndexOf(events[from].Seq, size);
                var lastOfChunk = ((index + 1) * size) - events[from].Seq; // events of the run left in this chunk, minus one
                var count = (int)Math.Min(events.Count - from, lastOfChunk + 1);
                plan.Add(new ChunkWrite(write.Session.Id, index, events, from, count, from + count == events.Count));
                from += count;
            }
        }

        return plan;
    }

    private async Task<Chunk> WriteChunkAsync(ChunkWrite work, CancellationToken cancellationToken)
    {
        var size = _eventsPerChunk;
        var key = _keys.Chunk(work.SessionId, (work.Index * size) + 1);
        var current = await CurrentChunkAsync(work, size, key, cancellationToken).ConfigureAwait(false);
        var merged = current.Merge(work.Events, work.From, work.Count, new ArrayBufferWriter<byte>(EstimateBytes(work)));
        if (!ReferenceEquals(merged, current))
        {
            await PutObjectAsync(key, merged.Data, ChunkContentType, cancellationToken).ConfigureAwait(false);
        }

        return merged;
    }

    /// <summary>
    /// What the chunk holds before this write: nothing to read when the write covers its whole range; the cached last
    /// chunk when this write continues (or overlaps) where this store's previous write of the session ended; else a GET.
    /// </summary>
    private async Task<Chunk> CurrentChunkAsync(ChunkWrite work, int size, string key, CancellationToken cancellationToken)
    {
        var runStart = work.Events[0].Seq;
        if (_lastWritten.TryGet(work.SessionId, out var last) && runStart <= last.ContiguousEnd + 1)
        {
            if (work.Index == last.Index)
            {
                return last;
            }

            if (work.Index > last.Index)
            {
                return Chunk.Empty(work.Index, size); // beyond everything this (the only) writer has stored
            }
        }

        if (work.Count == size)
        {
            return Chunk.Empty(work.Index, size); // the write determines every line: nothing to merge with
        }

        return await GetParsedAsync(key, data => Chunk.Parse(data, work.Index, size, key), cancellationToken).ConfigureAwait(false)
            ?? Chunk.Empty(work.Index, size);
    }

    private static int EstimateBytes(ChunkWrite work)
    {
        long bytes = 0;
        for (var i = work.From; i < work.From + work.Count; i++)
        {
            var e = work.Events[i];
            bytes += e.Payload.Length + e.Metadata.Length + e.Refs.Length + 256;
        }

        return (int)Math.Min(bytes, 1 << 30);
    }
}
