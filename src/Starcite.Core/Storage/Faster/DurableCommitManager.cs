using FASTER.core;

namespace Starcite.Storage.Faster;

/// <summary>
/// FASTER's commit metadata, written only for data already on disk. FASTER reports every commit here (the log's begin
/// and committed tail); this manager writes one in every <c>throttle</c> of them to a metadata file, and any that moves
/// the begin address, running <c>flushToDisk</c> (an fsync of the log's segments) first, so the newest metadata file
/// always names a durable prefix of the log. Over a device that writes through, the flush has nothing to do.
/// </summary>
/// <remarks>
/// <para>FASTER releases commit waiters before it reports the commit here, so "committed" does not imply "in a metadata
/// file"; <see cref="MakeDurableAsync"/> is how a checkpoint waits for that.</para>
/// <para>A failed flush is final: Linux reports a writeback error to a descriptor once, so a later fsync can succeed
/// over data that never reached the disk. From then on no metadata is written (the newest file still names a durable
/// prefix), durable points fail with <see cref="StorageFailedException"/>, and FASTER's own commits go on: the WAL still
/// holds every entry, and a reopen rolls back and replays them. Nothing is thrown into FASTER's commit worker, which
/// would leave its commit waiters hanging.</para>
/// </remarks>
internal sealed class DurableCommitManager(DeviceLogCommitCheckpointManager files, Action flushToDisk, int throttle) : ILogCommitManager
{
    private readonly Lock _lock = new();
    private readonly List<(long Address, TaskCompletionSource Done)> _waiting = [];
    private long _commits;
    private ReportedCommit? _latest; // the newest commit FASTER reported, written or not
    private long _durableUntil; // the committed tail of the newest metadata written, or what the open recovered
    private StorageFailedException? _failure;

    /// <summary>Called on every commit, on the write path of a single node too: it allocates nothing.</summary>
    public void Commit(long beginAddress, long untilAddress, byte[] commitMetadata, long commitNum, bool forceWriteMetadata)
    {
        lock (_lock)
        {
            _latest = new ReportedCommit(beginAddress, untilAddress, commitMetadata, commitNum);
            if (forceWriteMetadata || _commits++ % throttle == 0 || IsAwaited(untilAddress))
            {
                WriteLatest();
            }
        }
    }

    /// <summary>Everything up to the tail an open recovered is on the disk already (the open cut what was not).</summary>
    public void Opened(long recoveredTail)
    {
        lock (_lock)
        {
            _durableUntil = Math.Max(_durableUntil, recoveredTail);
        }
    }

    /// <summary>Completes once a metadata file names a committed tail at or past <paramref name="address"/>: at once when
    /// FASTER has already reported such a commit, else when it does.</summary>
    /// <exception cref="StorageFailedException">The log could not be made durable.</exception>
    public Task MakeDurableAsync(long address)
    {
        lock (_lock)
        {
            if (address > _durableUntil && address <= _latest?.UntilAddress)
            {
                WriteLatest();
            }

            if (address <= _durableUntil)
            {
                return Task.CompletedTask;
            }

            if (_failure is not null)
            {
                return Task.FromException(_failure);
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting.Add((address, done));
            return done.Task;
        }
    }

    /// <summary>Refuses what needs a durable point (moving the begin address deletes segments) once a flush failed.</summary>
    public void ThrowIfFailed()
    {
        lock (_lock)
        {
            if (_failure is not null)
            {
                throw _failure;
            }
        }
    }

    public byte[] GetCommitMetadata(long commitNum) => files.GetCommitMetadata(commitNum);

    public IEnumerable<long> ListCommits() => files.ListCommits();

    public void RemoveCommit(long commitNum) => files.RemoveCommit(commitNum);

    public void RemoveAllCommits() => files.RemoveAllCommits();

    public void OnRecovery(long commitNum) => files.OnRecovery(commitNum);

    public void Dispose()
    {
        lock (_lock)
        {
            Release(new ObjectDisposedException(nameof(DurableCommitManager)));
        }

        files.Dispose();
    }

    private void WriteLatest()
    {
        if (_failure is not null)
        {
            return;
        }

        var latest = _latest!.Value;
        try
        {
            flushToDisk(); // the data first: metadata must never name bytes that are not on the disk
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _failure = new StorageFailedException("The log's segments could not be flushed to disk; it makes no durable points any more.", ex);
            Release(_failure);
            return;
        }

        files.Commit(latest.BeginAddress, latest.UntilAddress, latest.Metadata, latest.Number, forceWriteMetadata: true);
        _durableUntil = latest.UntilAddress;
        foreach (var (_, done) in _waiting.Where(waiter => waiter.Address <= _durableUntil))
        {
            done.TrySetResult();
        }

        _waiting.RemoveAll(waiter => waiter.Address <= _durableUntil);
    }

    private bool IsAwaited(long untilAddress)
    {
        foreach (var (address, _) in _waiting)
        {
            if (address <= untilAddress)
            {
                return true;
            }
        }

        return false;
    }

    private void Release(Exception failure)
    {
        foreach (var (_, done) in _waiting)
        {
            done.TrySetException(failure);
        }

        _waiting.Clear();
    }

    private readonly record struct ReportedCommit(long BeginAddress, long UntilAddress, byte[] Metadata, long Number);
}
