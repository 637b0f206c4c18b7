using Microsoft.Extensions.Logging;
using Starcite.Diagnostics;
using Starcite.Sessions;
using Starcite.Storage;
using Starcite.Storage.Checkpoints;
using Starcite.Storage.Codec;

namespace Starcite;

public sealed partial class StarciteEngine
{
    private string _checkpointDirectory = "";

    /// <summary>
    /// Rebuilds exactly the durable state: the latest session snapshot, then every durable record after it. Index
    /// entries are re-applied from whichever of the index checkpoint and the snapshot covers less, so both end up
    /// covering the whole log. Restart cost is the snapshot size plus the log written since the last checkpoint.
    /// </summary>
    private async Task RecoverAsync(string directory, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        _checkpointDirectory = Path.Combine(directory, "checkpoints");
        var snapshot = SessionSnapshotFile.ReadLatest(_checkpointDirectory, (path, error) => LogSnapshotIgnored(_logger, path, error));
        var stateFrom = Math.Max(snapshot?.CoveredAddress ?? 0, _log.BeginAddress);
        foreach (var state in snapshot?.Sessions ?? [])
        {
            _sessions.Add(new SessionRuntime(state, visible: true));
        }

        var indexFrom = Math.Max(Math.Min(_index.CoveredAddress, stateFrom), _log.BeginAddress);
        var replayed = 0L;
        var end = _log.TailAddress;
        try
        {
            foreach (var record in _log.ReadCommitted(indexFrom, end))
            {
                cancellationToken.ThrowIfCancellationRequested();
                Replay(record, applyState: record.Address >= stateFrom);
                replayed++;
            }
        }
        catch (Exception ex) when (ex is CorruptRecordException or InvalidOperationException)
        {
            throw new StorageFailedException($"The log in {directory} cannot be replayed.", ex);
        }

        _checkpointedAddress = stateFrom;
        if (replayed > 0)
        {
            // Bound the next restart now rather than after the first interval.
            await CheckpointAsync(cancellationToken).ConfigureAwait(false);
        }

        var elapsed = (long)_time.GetElapsedTime(started).TotalMilliseconds;
        LogEngineStarted(_logger, directory, _sessions.Count, replayed, elapsed);
    }

    private void Replay(LogRecord record, bool applyState)
    {
        switch (RecordCodec.ReadKind(record.Bytes))
        {
            case RecordKind.SessionCreated:
                if (applyState)
                {
                    _sessions.Add(new SessionRuntime(new SessionState(RecordCodec.ReadSessionCreated(record.Bytes)), visible: true));
                }

                break;
            case RecordKind.EventAppended:
                var header = RecordCodec.ReadEventHeader(record.Bytes);
                var session = _sessions.ByNumber(header.SessionNumber)
                    ?? throw new CorruptRecordException($"An event at {record.Address} names unknown session number {header.SessionNumber}.");
                var state = session.State;
                if (applyState)
                {
                    state.Apply(header.Seq, header.ProducerId, header.ProducerSeq, header.InsertedAtMicros, record.Address);
                    session.RestoreCommitted(state.LastSeq, state.UpdatedAtMicros);
                }

                var producer = state.Producers[header.ProducerId];
                var position = new LogPosition(record.Address, record.Bytes.Length);
                _index.Upsert(IndexKey.ForSeq(header.SessionNumber, header.Seq), position);
                _index.Upsert(IndexKey.ForProducer(header.SessionNumber, producer.Number, header.ProducerSeq), position);
                break;
        }
    }

    [LoggerMessage(EventId = LogEvents.SnapshotIgnored, EventName = nameof(LogEvents.SnapshotIgnored), Level = LogLevel.Warning, Message = "Ignored unreadable session snapshot {Path}")]
    private static partial void LogSnapshotIgnored(ILogger logger, string path, Exception exception);
}
