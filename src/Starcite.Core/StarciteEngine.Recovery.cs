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
    /// <returns>
    /// Success, or what the caller must repair first: checkpoints that claim more than the log holds (the log lost its
    /// tail), or the first damaged or inconsistent record. Everything after such a record is unacknowledged or lost,
    /// and a clean prefix is the most that can be recovered.
    /// </returns>
    private async Task<RecoveryOutcome> RecoverAsync(string directory, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        _checkpointDirectory = Path.Combine(directory, "checkpoints");
        var snapshot = SessionSnapshotFile.ReadLatest(_checkpointDirectory, (path, error) => LogSnapshotIgnored(_logger, path, error));
        var end = _log.TailAddress;
        if ((snapshot?.CoveredAddress ?? 0) > end || _index.CoveredAddress > end)
        {
            return RecoveryOutcome.StaleCheckpoints(
                $"checkpoints covering log addresses {snapshot?.CoveredAddress ?? 0} (sessions) and {_index.CoveredAddress} (index) beyond the recovered log end {end}");
        }

        var stateFrom = Math.Max(snapshot?.CoveredAddress ?? 0, _log.BeginAddress);
        _applied = snapshot?.Applied ?? AppliedPosition.None;
        _lastCheckpoint = new StoreCheckpoint(snapshot?.CoveredAddress ?? 0, _applied,
            _options.Cluster.IsEnabled ? [.. (snapshot?.Sessions ?? []).Select(Copy)] : null); // the live states change from here on
        foreach (var state in snapshot?.Sessions ?? [])
        {
            _sessions.Add(new SessionRuntime(state, visible: true));
        }

        if (VerifyTail(snapshot, stateFrom, end) is { } damage)
        {
            return damage;
        }

        var indexFrom = Math.Max(Math.Min(_index.CoveredAddress, stateFrom), _log.BeginAddress);
        var replayed = 0L;
        using (var records = _log.ReadCommitted(indexFrom, end).GetEnumerator())
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                try
                {
                    if (!records.MoveNext())
                    {
                        break;
                    }
                }
                catch (LogDamagedException ex)
                {
                    return RecoveryOutcome.Damaged(null, ex.Message);
                }

                var record = records.Current;
                try
                {
                    await ReplayAsync(record, applyState: record.Address >= stateFrom).ConfigureAwait(false);
                }
                catch (CorruptRecordException ex)
                {
                    return RecoveryOutcome.Damaged(record.Address, ex.Message);
                }

                replayed++;
            }
        }

        _checkpointedAddress = stateFrom;
        _indexCoveredAddress = _index.CoveredAddress;
        Volatile.Write(ref _unarchivedBytes, _sessions.All().Sum(session => session.State.Archive.UnarchivedBytes));
        if (replayed > 0)
        {
            // Bound the next restart now rather than after the first interval.
            await CheckpointAsync(cancellationToken).ConfigureAwait(false);
        }

        var elapsed = (long)_time.GetElapsedTime(started).TotalMilliseconds;
        LogEngineStarted(_logger, directory, _sessions.Count, replayed, elapsed);
        return RecoveryOutcome.Success;
    }

    /// <summary>
    /// Checks the records the snapshot already covers near the end of the log, where a torn or scribbled tail would
    /// be: FASTER trusts its commit metadata and does not re-read them, and replay starts after the snapshot. The scan
    /// starts at a known record (the earliest producer's last event within the window) and checks every CRC.
    /// </summary>
    private RecoveryOutcome? VerifyTail(SessionSnapshot? snapshot, long stateFrom, long end)
    {
        var window = end - (2 * _options.Storage.PageSize);
        var from = (snapshot?.Sessions ?? [])
            .SelectMany(session => session.Producers.Values)
            .Select(producer => producer.LastAddress)
            .Where(address => address >= window && address < stateFrom)
            .DefaultIfEmpty(stateFrom)
            .Min();
        from = Math.Max(from, _log.BeginAddress); // a producer's last record may have been reclaimed
        try
        {
            foreach (var record in _log.ReadCommitted(from, stateFrom))
            {
                try
                {
                    RecordCodec.ReadKind(record.Bytes);
                }
                catch (CorruptRecordException ex)
                {
                    return RecoveryOutcome.Damaged(record.Address, ex.Message);
                }
            }
        }
        catch (LogDamagedException ex)
        {
            return RecoveryOutcome.Damaged(null, ex.Message);
        }

        return null;
    }

    /// <summary>Applies one durable record; any inconsistency is reported as a corrupt record, before anything changes.</summary>
    private async ValueTask ReplayAsync(LogRecord record, bool applyState)
    {
        switch (RecordCodec.ReadKind(record.Bytes))
        {
            case RecordKind.SessionCreated:
                if (applyState)
                {
                    var header = RecordCodec.ReadSessionCreated(record.Bytes);
                    if (_sessions.TryGet(header.Id, out _) || _sessions.ByNumber(header.Number) is not null)
                    {
                        throw new CorruptRecordException($"Session {header.Id} (number {header.Number}) is created twice.");
                    }

                    _sessions.Add(new SessionRuntime(new SessionState(header), visible: true));
                }

                break;
            case RecordKind.EventAppended:
                var fields = RecordCodec.ReadEventHeader(record.Bytes);
                var session = _sessions.ByNumber(fields.SessionNumber)
                    ?? throw new CorruptRecordException($"An event names unknown session number {fields.SessionNumber}.");
                var state = session.State;
                if (applyState)
                {
                    if (fields.Seq != state.LastSeq + 1)
                    {
                        throw new CorruptRecordException($"Session {state.Header.Id}: event seq {fields.Seq} does not follow last seq {state.LastSeq}.");
                    }

                    state.Apply(fields.Seq, fields.ProducerId, fields.ProducerSeq, fields.InsertedAtMicros, record.Address, record.Bytes.Length);
                    session.RestoreCommitted(state.LastSeq, state.UpdatedAtMicros);
                }

                if (!state.Producers.TryGetValue(fields.ProducerId, out var producer))
                {
                    throw new CorruptRecordException($"Session {state.Header.Id}: event of unknown producer {fields.ProducerId} before the snapshot.");
                }

                var entry = new IndexEntry(record.Address, record.Bytes.Length, fields.Seq);
                await _index.UpsertAsync(IndexKey.ForSeq(fields.SessionNumber, fields.Seq), entry).ConfigureAwait(false);
                await _index.UpsertAsync(IndexKey.ForProducer(fields.SessionNumber, producer.Number, fields.ProducerSeq), entry).ConfigureAwait(false);
                break;
            case RecordKind.SessionArchived when applyState:
                var archived = RecordCodec.ReadSessionArchived(record.Bytes);
                var target = _sessions.ByNumber(archived.SessionNumber)
                    ?? throw new CorruptRecordException($"Archive progress names unknown session number {archived.SessionNumber}.");
                target.State.ApplyArchived(archived.ArchivedSeq, archived.ArchivedBytes);
                target.RestoreCommitted(target.State.LastSeq, target.State.UpdatedAtMicros);
                break;
        }
    }

    [LoggerMessage(EventId = LogEvents.SnapshotIgnored, EventName = nameof(LogEvents.SnapshotIgnored), Level = LogLevel.Warning, Message = "Ignored unreadable session snapshot {Path}")]
    private static partial void LogSnapshotIgnored(ILogger logger, string path, Exception exception);
}
