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
    /// Streams the store as of <paramref name="checkpoint"/> (<see cref="SnapshotStream"/>): every log record below the
    /// checkpoint's address. Those records never change, so the stream is the same whenever it is read.
    /// </summary>
    internal async IAsyncEnumerable<ReadOnlyMemory<byte>> ReadSnapshotAsync(StoreCheckpoint checkpoint, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var crc = new Crc32();
        var header = SnapshotStream.Header(checkpoint);
        crc.Append(header);
        yield return header;

        var count = 0L;
        var chunk = new MemoryStream(SnapshotChunkBytes * 2);
        EnterStorage();
        try
        {
            foreach (var record in _log.ReadCommitted(_log.BeginAddress, checkpoint.CoveredAddress))
            {
                cancellationToken.ThrowIfCancellationRequested();
                SnapshotStream.WriteRecord(chunk, record.Bytes);
                count++;
                if (chunk.Length >= SnapshotChunkBytes)
                {
                    var bytes = chunk.ToArray();
                    crc.Append(bytes);
                    chunk.SetLength(0);
                    yield return bytes;
                }
            }
        }
        finally
        {
            _lifetime.Exit();
        }

        var rest = chunk.ToArray();
        crc.Append(rest);
        yield return rest;
        yield return SnapshotStream.Trailer(crc, count);
    }

    /// <summary>
    /// Brings the store up to a snapshot from another member. A member's log is always a prefix of the leader's (both
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
            while (SnapshotStream.ReadRecord(snapshot) is { } record)
            {
                var address = await InstallRecordAsync(record, touched, created, cancellationToken).ConfigureAwait(false);
                if (address >= 0)
                {
                    lastAddress = address;
                    if (++installed % InstallPublishEvery == 0)
                    {
                        await PublishInstalledAsync(lastAddress, touched, created).ConfigureAwait(false);
                    }
                }
            }

            await PublishInstalledAsync(lastAddress, touched, created).ConfigureAwait(false);
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
        // holds no entries before it, so it must never look for them.
        await CheckpointAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Logs one snapshot record unless the store already has it; returns its new address, or -1 when skipped.</summary>
    private async ValueTask<long> InstallRecordAsync(byte[] record, HashSet<SessionRuntime> touched, List<SessionRuntime> created, CancellationToken cancellationToken)
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
                    var producer = session.State.Apply(fields.Seq, fields.ProducerId, fields.ProducerSeq, fields.InsertedAtMicros, address);
                    session.AddPending(new PendingEvent(new LogPosition(address, record.Length), producer.Number, stored));
                }

                touched.Add(session);
                return address;
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

    private async ValueTask PublishInstalledAsync(long lastAddress, HashSet<SessionRuntime> touched, List<SessionRuntime> created)
    {
        if (lastAddress >= 0)
        {
            await CommitAsync(lastAddress).ConfigureAwait(false);
        }

        foreach (var runtime in created)
        {
            runtime.MarkVisible();
        }

        foreach (var runtime in touched)
        {
            await runtime.PublishAsync(_log.CommittedUntilAddress, _indexPublished).ConfigureAwait(false);
        }

        created.Clear();
        touched.Clear();
    }

    [LoggerMessage(EventId = LogEvents.SnapshotInstalled, EventName = nameof(LogEvents.SnapshotInstalled), Level = LogLevel.Information,
        Message = "Installed a snapshot up to Raft entry {Index}: {Records} new records")]
    private static partial void LogSnapshotInstalled(ILogger logger, long index, long records);
}
