using Starcite.Archive;
using Starcite.Sessions;
using Starcite.Storage.Codec;

namespace Starcite;

public sealed partial class StarciteEngine
{
    private IArchiveStore? _archive;
    private Archiver? _archiver;
    private long _unarchivedBytes;
    private long _archiveLimitBytes = long.MaxValue;

    /// <summary>True when an archive store is configured: history moves there in the background.</summary>
    internal bool HasArchive => _archive is not null;

    /// <summary>Un-archived data over <see cref="ArchiveOptions.EventStoreMaxSize"/> refuses new appends (contract §3.5).</summary>
    private bool IsOverCapacity => Volatile.Read(ref _unarchivedBytes) >= _archiveLimitBytes;

    private void ConfigureArchive(IArchiveStore? store)
    {
        _archive = store;
        if (store is not null && ByteSize.TryParse(_options.Archive.EventStoreMaxSize, out var limit))
        {
            _archiveLimitBytes = limit; // only with an archive: without one, nothing is ever archived
        }

        if (store is not null)
        {
            _metrics.ObserveArchive(() => Volatile.Read(ref _unarchivedBytes), () => _sessions.All().Sum(s => s.CommittedSeq - s.ArchivedSeq));
        }
    }

    private void AddUnarchived(long bytes) => Interlocked.Add(ref _unarchivedBytes, bytes);

    private void StartArchiver()
    {
        if (_archive is not null)
        {
            _archiver = new Archiver(_archive, new ArchiveSource(this), _options.Archive, _time, _metrics, _loggerFactory.CreateLogger("Starcite.Archive"));
        }
    }

    private async ValueTask StopArchiverAsync()
    {
        if (_archiver is not null)
        {
            await _archiver.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Applies a durable archive-progress record to a session: its state, the hot-limit count, and the
    /// <c>archived_seq</c> readers see.</summary>
    private void RecordArchived(SessionRuntime runtime, SessionArchivedRecord archived)
    {
        long released;
        lock (runtime.SyncRoot)
        {
            released = runtime.State.ApplyArchived(archived.ArchivedSeq, archived.ArchivedBytes);
        }

        AddUnarchived(-released);
        runtime.PublishArchived(runtime.State.Archive.ArchivedSeq);
    }

    /// <summary>Single node: logs one SessionArchived record per session and commits them, then applies them.</summary>
    private async ValueTask RecordArchivedLocallyAsync(IReadOnlyList<ArchivedRange> progress, CancellationToken cancellationToken)
    {
        await EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var records = new List<(SessionRuntime Runtime, SessionArchivedRecord Record)>(progress.Count);
            var lastAddress = -1L;
            var buffer = new byte[RecordCodec.SessionArchivedSize];
            foreach (var range in progress)
            {
                var record = new SessionArchivedRecord(range.Session.Header.Number, range.ArchivedSeq, range.Bytes);
                var length = RecordCodec.Write(record, buffer);
                lastAddress = await AppendRecordAsync(buffer.AsSpan(0, length).ToArray(), cancellationToken).ConfigureAwait(false);
                records.Add((range.Session, record));
            }

            if (lastAddress >= 0)
            {
                await CommitAsync(lastAddress).ConfigureAwait(false);
            }

            foreach (var (runtime, record) in records)
            {
                RecordArchived(runtime, record);
            }
        }
        finally
        {
            ExitWrite();
        }
    }

    /// <summary>The engine as the archiver sees it.</summary>
    private sealed class ArchiveSource(StarciteEngine engine) : IArchiveSource
    {
        public bool CanArchive => engine._raft is null || engine._raft.IsLeader;

        public ValueTask<List<(SessionRuntime Session, List<SessionEvent> Events)>> ReadBatchAsync(int budget, CancellationToken cancellationToken) =>
            engine.ReadArchiveBatchAsync(
                [.. engine._sessions.All().Where(session => session.IsVisible && session.CommittedSeq > session.ArchivedSeq)], budget, cancellationToken);

        public ValueTask RecordArchivedAsync(IReadOnlyList<ArchivedRange> progress, CancellationToken cancellationToken) =>
            engine._raft is null
                ? engine.RecordArchivedLocallyAsync(progress, cancellationToken)
                : engine.RecordArchivedReplicatedAsync(progress, cancellationToken);
    }
}
