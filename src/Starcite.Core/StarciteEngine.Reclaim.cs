using Microsoft.Extensions.Logging;
using Starcite.Diagnostics;
using Starcite.Storage;
using Starcite.Storage.Checkpoints;

namespace Starcite;

public sealed partial class StarciteEngine
{
    private readonly Queue<(DateTimeOffset At, long Address)> _retentionMarks = new();
    private long _agedAddress; // every record below it was covered by a checkpoint older than the retention

    /// <summary>
    /// Frees local space once the archive holds it (contract §5): drops the log prefix in which every record is archived,
    /// older than <see cref="Archive.ArchiveOptions.LocalRetention"/>, and covered by <paramref name="checkpoint"/> (so
    /// recovery never needs it). Reads of what was dropped go through the archive. Runs after each checkpoint.
    /// </summary>
    /// <remarks>In a cluster, every member reclaims its own log; a snapshot for a member far behind reads reclaimed
    /// events through the archive. Not thread-safe: only the checkpoint loop calls it (and tests, with that loop idle).</remarks>
    internal async Task ReclaimAsync(StoreCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        if (!HasArchive || _options.Archive.LocalRetention == TimeSpan.MaxValue)
        {
            return;
        }

        // A record is old enough once a checkpoint that covered it is older than the retention.
        var now = _time.GetUtcNow();
        _retentionMarks.Enqueue((now, checkpoint.CoveredAddress));
        while (_retentionMarks.TryPeek(out var mark) && now - mark.At >= _options.Archive.LocalRetention)
        {
            _agedAddress = _retentionMarks.Dequeue().Address;
        }

        // Recovery replays from the older of the two checkpoints: nothing after it may go.
        var limit = Math.Min(_agedAddress, Math.Min(checkpoint.CoveredAddress, Volatile.Read(ref _indexCoveredAddress)));
        foreach (var session in _sessions.All())
        {
            // Every event after archived_seq stays local; the first of them bounds what may go.
            if (session.CommittedSeq > session.ArchivedSeq)
            {
                var first = await _index.TryGetAsync(IndexKey.ForSeq(session.Header.Number, session.ArchivedSeq + 1), cancellationToken).ConfigureAwait(false);
                if (first.Exists)
                {
                    limit = Math.Min(limit, first.Address);
                }
            }
        }

        var begin = _log.BeginAddress;
        if (limit > begin)
        {
            EnterStorage();
            try
            {
                await _log.TruncateUntilAsync(limit, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _lifetime.Exit();
            }

            LogReclaimed(_logger, limit - begin, limit);
        }
    }

    [LoggerMessage(EventId = LogEvents.LogReclaimed, EventName = nameof(LogEvents.LogReclaimed), Level = LogLevel.Information,
        Message = "Reclaimed {Bytes} bytes of archived history from local storage; the log now begins at {BeginAddress}")]
    private static partial void LogReclaimed(ILogger logger, long bytes, long beginAddress);
}
