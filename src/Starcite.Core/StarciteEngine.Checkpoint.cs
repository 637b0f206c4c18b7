using Microsoft.Extensions.Logging;
using Starcite.Diagnostics;
using Starcite.Sessions;
using Starcite.Storage.Checkpoints;

namespace Starcite;

public sealed partial class StarciteEngine
{
    private StoreCheckpoint _lastCheckpoint = new(0, AppliedPosition.None);
    private long _indexCoveredAddress; // the log address the newest index checkpoint covers

    /// <summary>The newest durable checkpoint: the log address and replicated-log position it covers.</summary>
    internal StoreCheckpoint LastCheckpoint => Volatile.Read(ref _lastCheckpoint);

    /// <summary>
    /// Bounds restart time: captures every session's state at a quiet moment (the write gate drains in-flight writes,
    /// so everything logged is durable and published), then persists the index and the snapshot, both covering the
    /// same log address. Writers wait only for the capture, not for the I/O.
    /// </summary>
    /// <param name="cancellationToken">Cancels the checkpoint (nothing is lost: the log still holds everything).</param>
    /// <param name="includeIndex">False skips the index checkpoint, the slow part (about 100 ms): recovery then replays the
    /// index from its own older checkpoint, which it does anyway when the two differ.</param>
    internal async Task CheckpointAsync(CancellationToken cancellationToken, bool includeIndex = true)
    {
        SessionSnapshot snapshot;
        using (await _gate.CloseAsync().ConfigureAwait(false))
        {
            var covered = _log.TailAddress;
            if (covered == Volatile.Read(ref _checkpointedAddress) && Applied == LastCheckpoint.Applied)
            {
                return;
            }

            await _log.WaitForCommitAsync(covered - 1, cancellationToken).ConfigureAwait(false);
            snapshot = new SessionSnapshot(covered, [.. _sessions.All().Select(session => Copy(session.State))], Applied);
        }

        // A cluster member's store writes without O_SYNC, and the checkpoint lets the Raft WAL drop what it covers: that
        // must be on the disk first.
        await _log.MakeDurableAsync(snapshot.CoveredAddress, cancellationToken).ConfigureAwait(false);

        var started = _time.GetTimestamp();
        if (includeIndex)
        {
            await _index.CheckpointAsync(snapshot.CoveredAddress, cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _indexCoveredAddress, snapshot.CoveredAddress);
        }

        await SessionSnapshotFile.WriteAsync(_checkpointDirectory, snapshot, cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _checkpointedAddress, snapshot.CoveredAddress);
        // Only a cluster member ever ships a snapshot, and only it needs the states kept for that.
        Volatile.Write(ref _lastCheckpoint, new StoreCheckpoint(snapshot.CoveredAddress, snapshot.Applied, _options.Cluster.IsEnabled ? snapshot.Sessions : null));
        var elapsed = (long)_time.GetElapsedTime(started).TotalMilliseconds;
        LogCheckpointCompleted(_logger, snapshot.CoveredAddress, snapshot.Sessions.Count, elapsed);
    }

    private async Task RunCheckpointsAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.Storage.CheckpointInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    if (_failure is null)
                    {
                        await CheckpointAsync(cancellationToken).ConfigureAwait(false);
                        await ReclaimAsync(LastCheckpoint, cancellationToken).ConfigureAwait(false);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // A failed checkpoint loses nothing: the log still holds every record; the next one retries.
                    LogCheckpointFailed(_logger, ex);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static SessionState Copy(SessionState state) => new(
        state.Header,
        state.LastSeq,
        state.UpdatedAtMicros,
        state.Producers.ToDictionary(
            pair => pair.Key,
            pair => new ProducerState(pair.Value.Number, pair.Value.FirstProducerSeq)
            {
                LastProducerSeq = pair.Value.LastProducerSeq,
                LastSeq = pair.Value.LastSeq,
                LastAddress = pair.Value.LastAddress,
            },
            StringComparer.Ordinal),
        state.Archive);

    [LoggerMessage(EventId = LogEvents.CheckpointCompleted, EventName = nameof(LogEvents.CheckpointCompleted), Level = LogLevel.Debug,
        Message = "Checkpoint at log address {CoveredAddress}: {SessionCount} sessions in {CheckpointMilliseconds} ms")]
    private static partial void LogCheckpointCompleted(ILogger logger, long coveredAddress, int sessionCount, long checkpointMilliseconds);

    [LoggerMessage(EventId = LogEvents.CheckpointFailed, EventName = nameof(LogEvents.CheckpointFailed), Level = LogLevel.Warning, Message = "A checkpoint failed; the next one retries")]
    private static partial void LogCheckpointFailed(ILogger logger, Exception exception);
}
