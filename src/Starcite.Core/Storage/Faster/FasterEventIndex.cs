using System.Collections.Concurrent;
using FASTER.core;
using Microsoft.Extensions.Logging;
using Starcite.Diagnostics;
using Session = FASTER.core.ClientSession<Starcite.Storage.IndexKey, Starcite.Storage.IndexEntry, Starcite.Storage.IndexEntry, Starcite.Storage.IndexEntry, FASTER.core.Empty, Starcite.Storage.Faster.FasterEventIndex.IndexFunctions>;

namespace Starcite.Storage.Faster;

/// <summary>
/// The event index on FASTER's <see cref="FasterKV{Key, Value}"/>: (session, producer, seq) → log position, 48 bytes a
/// key on its own hybrid log, with only <see cref="StorageOptions.IndexMemorySize"/> of it in memory. It persists only
/// through checkpoints (engine-notes §2.5), each of which records the log address it covers in the commit cookie.
/// </summary>
internal sealed partial class FasterEventIndex : IEventIndex
{
    private const int MaxPooledSessions = 64;

    // The layout of the stored values: an index written with another one cannot be read, only rebuilt from the log.
    private const string FormatFile = "format";
    private const string FormatVersion = "2"; // 1: LogPosition values; 2: IndexEntry values (with the seq)

    private readonly FasterKV<IndexKey, IndexEntry> _store;
    private readonly IDevice _device;
    private readonly ConcurrentQueue<Session> _sessions = new();
    private int _pooled;

    private FasterEventIndex(FasterKV<IndexKey, IndexEntry> store, IDevice device, long coveredAddress)
    {
        _store = store;
        _device = device;
        CoveredAddress = coveredAddress;
    }

    public long CoveredAddress { get; }

    /// <summary>
    /// Opens the index in <paramref name="directory"/>, recovering its latest checkpoint. The index is derived from the
    /// log, so when that checkpoint cannot be recovered (a kill during the first one leaves an index checkpoint without
    /// its log checkpoint) the directory is wiped and the index starts empty: recovery then rebuilds it from the log.
    /// </summary>
    public static async Task<FasterEventIndex> OpenAsync(string directory, StorageOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            return await OpenOrRecoverAsync(directory, options, cancellationToken).ConfigureAwait(false);
        }
        catch (FasterException ex)
        {
            LogIndexRebuilt(logger, ex);
            Wipe(directory);
            return await OpenOrRecoverAsync(directory, options, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Deletes an index written in another value layout: recovery rebuilds it from the log.</summary>
    private static void WipeOtherFormats(string directory)
    {
        var format = Path.Combine(directory, FormatFile);
        if (Directory.Exists(directory) && Directory.EnumerateFileSystemEntries(directory).Any()
            && (!File.Exists(format) || File.ReadAllText(format).Trim() != FormatVersion))
        {
            Wipe(directory);
        }
    }

    /// <summary>Deletes the index so the next open starts empty.</summary>
    public static void Wipe(string directory)
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<FasterEventIndex> OpenOrRecoverAsync(string directory, StorageOptions options, CancellationToken cancellationToken)
    {
        WipeOtherFormats(directory);
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, FormatFile), FormatVersion);
        var checkpoints = Path.Combine(directory, "checkpoints");
        var device = Devices.CreateLogDevice(Path.Combine(directory, "hlog.log"), preallocateFile: false, deleteOnClose: false, recoverDevice: true);
        FasterKV<IndexKey, IndexEntry>? store = null;
        try
        {
            store = new FasterKV<IndexKey, IndexEntry>(new FasterKVSettings<IndexKey, IndexEntry>
            {
                LogDevice = device,
                IndexSize = options.IndexBuckets * 64, // FASTER takes the hash table size in bytes: 64 per bucket
                PageSize = Math.Min(options.IndexMemorySize / 4, 1L << 22),
                MemorySize = options.IndexMemorySize,
                SegmentSize = 1L << 28,
                MutableFraction = 0.9,
                EqualityComparer = IndexKeyComparer.Instance,
                CheckpointDir = checkpoints,
                RemoveOutdatedCheckpoints = true,
                TryRecoverLatest = false, // true would swallow a failed recovery and silently start empty
            });
            var covered = 0L;
            if (Directory.Exists(checkpoints) && Directory.EnumerateFileSystemEntries(checkpoints).Any())
            {
                await store.RecoverAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                covered = BitConverter.ToInt64(store.RecoveredCommitCookie);
            }

            return new FasterEventIndex(store, device, covered);
        }
        catch
        {
            store?.Dispose();
            device.Dispose();
            throw;
        }
    }

    public async ValueTask UpsertAsync(IndexKey key, IndexEntry entry)
    {
        var session = Rent();
        try
        {
            var upsert = await session.UpsertAsync(ref key, ref entry).ConfigureAwait(false);
            while (upsert.Status.IsPending)
            {
                upsert = await upsert.CompleteAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            Return(session);
        }
    }

    public async ValueTask<IndexEntry> TryGetAsync(IndexKey key, CancellationToken cancellationToken)
    {
        var session = Rent();
        try
        {
            // Reads of keys in memory complete synchronously; older keys are read from the index's log file.
            var (status, entry) = (await session.ReadAsync(ref key, token: cancellationToken).ConfigureAwait(false)).Complete();
            return status.Found ? entry : IndexEntry.None;
        }
        finally
        {
            Return(session);
        }
    }

    public async Task CheckpointAsync(long coveredAddress, CancellationToken cancellationToken)
    {
        _store.CommitCookie = BitConverter.GetBytes(coveredAddress);
        var (success, _) = await _store.TakeFullCheckpointAsync(CheckpointType.FoldOver, cancellationToken).ConfigureAwait(false);
        if (!success)
        {
            throw new IOException("The index checkpoint did not complete.");
        }
    }

    public ValueTask DisposeAsync()
    {
        while (_sessions.TryDequeue(out var session))
        {
            session.Dispose();
        }

        _store.Dispose();
        _device.Dispose(); // FasterKV does not dispose its log device
        return ValueTask.CompletedTask;
    }

    // FASTER sessions are single-threaded but may move between threads between operations: a pool hands each
    // operation one. (ConcurrentBag.Count would lock the whole bag on every return, hence the explicit counter.)
    private Session Rent()
    {
        if (_sessions.TryDequeue(out var session))
        {
            Interlocked.Decrement(ref _pooled);
            return session;
        }

        return _store.For(new IndexFunctions()).NewSession<IndexFunctions>();
    }

    private void Return(Session session)
    {
        if (Interlocked.Increment(ref _pooled) <= MaxPooledSessions)
        {
            _sessions.Enqueue(session);
        }
        else
        {
            Interlocked.Decrement(ref _pooled);
            session.Dispose();
        }
    }

    [LoggerMessage(EventId = LogEvents.IndexRebuilt, EventName = nameof(LogEvents.IndexRebuilt), Level = LogLevel.Warning,
        Message = "The index checkpoint could not be recovered; the index is rebuilt from the log")]
    private static partial void LogIndexRebuilt(ILogger logger, Exception exception);

    internal sealed class IndexFunctions : SimpleFunctions<IndexKey, IndexEntry>;
}
