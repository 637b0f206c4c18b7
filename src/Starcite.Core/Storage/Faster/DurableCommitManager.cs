using FASTER.core;

namespace Starcite.Storage.Faster;

/// <summary>
/// FASTER's commit metadata, written only for data already on disk. FASTER reports every commit here (the log's begin
/// and committed tail); this manager writes one in every <c>throttle</c> of them to a metadata file, and any that moves
/// the begin address, fsyncing the log's segments first, so the newest metadata file always names a durable prefix of
/// the log. Over a device that writes through, the fsync has nothing to do.
/// </summary>
/// <remarks>
/// FASTER releases commit waiters before it reports the commit here, so "committed" does not imply "in a metadata
/// file"; <see cref="MakeDurableAsync"/> is how a checkpoint waits for that.
/// </remarks>
internal sealed class DurableCommitManager(DeviceLogCommitCheckpointManager files, SegmentFileDevice device, int throttle) : ILogCommitManager
{
    private readonly Lock _lock = new();
    private readonly List<(long Address, TaskCompletionSource Done)> _waiting = [];
    private long _commits;
    private ReportedCommit? _latest; // the newest commit FASTER reported, written or not
    private long _durableUntil; // the committed tail of the newest metadata written

    public void Commit(long beginAddress, long untilAddress, byte[] commitMetadata, long commitNum, bool forceWriteMetadata)
    {
        lock (_lock)
        {
            _latest = new ReportedCommit(beginAddress, untilAddress, commitMetadata, commitNum);
            if (forceWriteMetadata || _commits++ % throttle == 0 || _waiting.Exists(waiter => waiter.Address <= untilAddress))
            {
                WriteLatest();
            }
        }
    }

    /// <summary>Completes once a metadata file names a committed tail at or past <paramref name="address"/>: at once when
    /// FASTER has already reported such a commit, else when it does.</summary>
    public Task MakeDurableAsync(long address)
    {
        lock (_lock)
        {
            if (address <= _durableUntil)
            {
                return Task.CompletedTask;
            }

            if (address <= _latest?.UntilAddress)
            {
                WriteLatest();
                return Task.CompletedTask;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting.Add((address, done));
            return done.Task;
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
            foreach (var (_, done) in _waiting)
            {
                done.TrySetException(new ObjectDisposedException(nameof(DurableCommitManager)));
            }

            _waiting.Clear();
        }

        files.Dispose();
    }

    private void WriteLatest()
    {
        var latest = _latest!;
        try
        {
            device.FlushToDisk(); // the data first: metadata must never name bytes that are not on the disk
            files.Commit(latest.BeginAddress, latest.UntilAddress, latest.Metadata, latest.Number, forceWriteMetadata: true);
        }
        catch (Exception ex)
        {
            foreach (var (_, done) in _waiting)
            {
                done.TrySetException(new StorageFailedException("The log could not be made durable.", ex));
            }

            _waiting.Clear();
            throw;
        }

        _durableUntil = latest.UntilAddress;
        foreach (var (_, done) in _waiting.Where(waiter => waiter.Address <= _durableUntil))
        {
            done.TrySetResult();
        }

        _waiting.RemoveAll(waiter => waiter.Address <= _durableUntil);
    }

    private sealed record ReportedCommit(long BeginAddress, long UntilAddress, byte[] Metadata, long Number);
}
