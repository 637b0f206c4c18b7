using System.IO.Hashing;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Starcite.Diagnostics;
using Starcite.Sessions;
using Starcite.Storage;
using Starcite.Storage.Checkpoints;
using Starcite.Storage.Codec;

namespace Starcite;

public sealed partial class StarciteEngine
{
    private const int SnapshotChunkBytes = 1 << 16;
    private const int InstallPublishEvery = 4096;

    /// <summary>
    /// Streams the store exactly as of <paramref name="checkpoint"/> (<see cref="SnapshotStream"/>): for every session in
    /// the checkpoint, in number order, its creation record, its events up to the checkpoint's last seq (from local
    /// storage or, once reclaimed, from the archive) and its archive progress. Records are encoded as they were written,
    /// so a member that already holds some of them recognises them.
    /// </summary>
    internal async IAsyncEnumerable<ReadOnlyMemory<byte>> ReadSnapshotAsync(StoreCheckpoint checkpoint, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var crc = new Crc32();
        var header = SnapshotStream.Header(checkpoint);
        crc.Append(header);
        yield return header;

        var count = 0L;
        var chunk = new MemoryStream(SnapshotChunkBytes * 2);
        foreach (var state in (checkpoint.Sessions ?? []).OrderBy(state => state.Header.Number))
        {
            var buffer = new byte[RecordCodec.SizeOf(state.Header)];
            SnapshotStream.WriteRecord(chunk, buffer.AsSpan(0, RecordCodec.Write(state.Header, buffer)));
            count++;
            if (!_sessions.TryGet(state.Header.Id, out var runtime))
            {
                throw new StorageFailedException($"Session {state.Header.Id} of the checkpoint is missing from the store.");
            }

            for (var after = 0L; after < state.LastSeq;)
            {
                var events = await ReadRangeAsync(runtime, after, (int)Math.Min(ReadBatchSize, state.LastSeq - after), forTail: false, cancellationToken).ConfigureAwait(false);
                if (events.Count == 0)
                {
                    throw new StorageFailedException($"Session {state.Header.Id}: no events after seq {after}, though the checkpoint has {state.LastSeq}.");
                }

                foreach (var e in events)
                {
                    var record = EncodeRecord(state.Header.Number, e);
                    SnapshotStream.WriteRecord(chunk, record);
                    count++;
                }

                after = events[^1].Seq;
                if (chunk.Length >= SnapshotChunkBytes)
                {
                    yield return Flush(chunk, crc);
                }
            }

            if (state.Archive.ArchivedSeq > 0)
            {
                // In a snapshot the bytes are the session's total archived bytes; installing turns them into a delta.
                var archived = new byte[RecordCodec.SessionArchivedSize];
                RecordCodec.Write(new SessionArchivedRecord(state.Header.Number, state.Archive.ArchivedSeq, state.Archive.ArchivedBytes), archived);
                SnapshotStream.WriteRecord(chunk, archived);
                count++;
            }
        }

        yield return Flush(chunk, crc);
        yield return SnapshotStream.Trailer(crc, count);

        static byte[] Flush(MemoryStream chunk, Crc32 crc)
        {
            var bytes = chunk.ToArray();
            crc.Append(bytes);
            chunk.SetLength(0);
            return bytes;
        }
    }

    /// <summary>The record an event was written as: encoding is deterministic, so it is byte for byte the original.</summary>
    private static byte[] EncodeRecord(long sessionNumber, SessionEvent e)
    {
        var command = new AppendCommand(e.Type, e.Payload.ToArray(), e.Actor, e.ProducerId, e.ProducerSeq, null, e.Source,
            e.Metadata.ToArray(), e.Refs.ToArray(), e.IdempotencyKey, Internal.UnixMicros.From(e.InsertedAt));
        var record = new byte[RecordCodec.SizeOf(command)];
        RecordCodec.Write(sessionNumber, e.Seq, command, record);
        return record;
    }

    /// <summary>
    /// Brings the store up to a snapshot from another member. A member's state is always a prefix of the leader's (both
    /// applied the same committed entries in the same order), so records it already holds are skipped and the rest are
    /// applied as the live write path would: logged, indexed, published to tails. Open tails keep running.
    /// </summary>
    /// <exception cref="StorageFailedException">The snapshot does not continue this store.</exception>
    internal async ValueTask InstallSnapshotAsync(Stream snapshot, CancellationToken cancellationToken)
    {
        StoreCheckpoint checkpoint;
        try
        {
            checkpoint = SnapshotStream.Verify(snapshot);
        }
        catch (CorruptRecordException ex)
        {
            throw new StorageFailedException("A received snapshot is damaged.", ex);
        }

        await EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var installed = 0L;
            var lastAddress = -1L;
            var touched = new HashSet<SessionRuntime>();
            var created = new List<SessionRuntime>();
            var archived = new List<(SessionRuntime, SessionArchivedRecord)>();
            while (SnapshotStream.ReadRecord(snapshot) is { } record)
            {
                var address = await InstallRecordAsync(record, touched, created, archived, cancellationToken).ConfigureAwait(false);
                if (address >= 0)
                {
                    lastAddress = address;
                    if (++installed % InstallPublishEvery == 0)
                    {
                        await PublishAppliedAsync(lastAddress, touched, created, archived).ConfigureAwait(false);
                    }
                }
            }

            await PublishAppliedAsync(lastAddress, touched, created, archived).ConfigureAwait(false);
            Volatile.Write(ref _applied, checkpoint.Applied);
            LogSnapshotInstalled(_logger, checkpoint.Applied.Index, installed);
        }
        catch (CorruptRecordException ex)
        {
            throw new StorageFailedException("A received snapshot does not continue this store.", ex);
        }
        finally
        {
            ExitWrite();
        }

        // Make the install durable at once, and let the WAL see the snapshot's index as this member's snapshot: the WAL
        // holds no entries before it, so it must never look for them. Not cancellable: the Raft request that delivered
        // the snapshot may time out meanwhile, and a half-recorded install would leave the WAL looking for those entries.
        // Without the index checkpoint, which is slow: the install must answer within the Raft request timeout.
        await CheckpointAsync(CancellationToken.None, includeIndex: false).ConfigureAwait(false);
    }

    /// <summary>Logs one snapshot record unless the store already has it; returns its new address, or -1 when skipped.</summary>
    private async ValueTask<long> InstallRecordAsync(byte[] record, HashSet<SessionRuntime> touched, List<SessionRuntime> created,
        List<(SessionRuntime, SessionArchivedRecord)> archived, CancellationToken cancellationToken)
    {
        switch (RecordCodec.ReadKind(record))
        {
            case RecordKind.SessionCreated:
                var header = RecordCodec.ReadSessionCreated(record);
                if (_sessions.TryGet(header.Id, out var existing))
                {
                    return existing.Header.Number == header.Number ? -1
                        : throw new CorruptRecordException($"Session {header.Id} is number {existing.Header.Number} here and {header.Number} in the snapshot.");
                }

                if (header.Number != _sessions.NextNumber())
                {
                    throw new CorruptRecordException($"The snapshot creates session number {header.Number}; the next one here is {_sessions.NextNumber()}.");
                }

                var runtime = new SessionRuntime(new SessionState(header), visible: false);
                var createdAt = await AppendRecordAsync(record, cancellationToken).ConfigureAwait(false);
                _sessions.Add(runtime);
                created.Add(runtime);
                return createdAt;
            case RecordKind.EventAppended:
                var fields = RecordCodec.ReadEventHeader(record);
                var session = _sessions.ByNumber(fields.SessionNumber)
                    ?? throw new CorruptRecordException($"A snapshot event names unknown session number {fields.SessionNumber}.");
                if (fields.Seq <= session.State.LastSeq)
                {
                    return -1;
                }

                if (fields.Seq != session.State.LastSeq + 1)
                {
                    throw new CorruptRecordException($"Session {session.Header.Id}: snapshot seq {fields.Seq} does not follow {session.State.LastSeq}.");
                }

                var stored = RecordCodec.ReadEvent(record, session.Header.Number, session.Header.Id);
                var address = await AppendRecordAsync(record, cancellationToken).ConfigureAwait(false);
                lock (session.SyncRoot)
                {
                    var producer = session.State.Apply(fields.Seq, fields.ProducerId, fields.ProducerSeq, fields.InsertedAtMicros, address, record.Length);
                    session.AddPending(new PendingEvent(new LogPosition(address, record.Length), producer.Number, stored));
                }

                AddUnarchived(record.Length);

                touched.Add(session);
                return address;
            case RecordKind.SessionArchived:
                var total = RecordCodec.ReadSessionArchived(record);
                var archivedSession = _sessions.ByNumber(total.SessionNumber)
                    ?? throw new CorruptRecordException($"Snapshot archive progress names unknown session number {total.SessionNumber}.");
                var current = archivedSession.State.Archive;
                if (total.ArchivedSeq <= current.ArchivedSeq)
                {
                    return -1;
                }

                // The snapshot carries the total; the local log records what this write newly covers.
                var progress = total with { ArchivedBytes = Math.Max(0, total.ArchivedBytes - current.ArchivedBytes) };
                var local = new byte[RecordCodec.SessionArchivedSize];
                RecordCodec.Write(progress, local);
                var archivedAt = await AppendRecordAsync(local, cancellationToken).ConfigureAwait(false);
                archived.Add((archivedSession, progress));
                return archivedAt;
            default:
                return -1;
        }
    }

    private async ValueTask<long> AppendRecordAsync(byte[] record, CancellationToken cancellationToken)
    {
        long address;
        while (!_log.TryAppend(record, out address))
        {
            await _log.WaitForRoomAsync(cancellationToken).ConfigureAwait(false);
        }

        return address;
    }

    [LoggerMessage(EventId = LogEvents.SnapshotInstalled, EventName = nameof(LogEvents.SnapshotInstalled), Level = LogLevel.Information,
        Message = "Installed a snapshot up to Raft entry {Index}: {Records} new records")]
    private static partial void LogSnapshotInstalled(ILogger logger, long index, long records);
}
