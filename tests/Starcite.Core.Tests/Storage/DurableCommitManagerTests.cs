using FASTER.core;
using Starcite.Storage.Faster;
using Starcite.Tests.TestSupport;

namespace Starcite.Tests.Storage;

/// <summary>
/// The commit manager of a store that writes without O_SYNC: metadata names only flushed data, a durable point waits for
/// a commit at or past its address, and a failed flush is final (a later fsync could succeed over lost writes).
/// </summary>
public sealed class DurableCommitManagerTests
{
    private const int Throttle = 1000;
    private static readonly byte[] Metadata = [1, 2, 3, 4];

    [Fact]
    public void Commit_FlushesTheSegmentsBeforeItWritesTheMetadata()
    {
        using var dir = new TempDirectory();
        var files = Files(dir.Path);
        var metadataAtFlush = new List<int>();
        using var manager = new DurableCommitManager(files, () => metadataAtFlush.Add(files.ListCommits().Count()), Throttle);

        manager.Commit(64, 200, Metadata, 1, forceWriteMetadata: false); // the first commit is written
        manager.Commit(64, 300, Metadata, 2, forceWriteMetadata: false); // then one in a thousand
        manager.Commit(128, 400, Metadata, 3, forceWriteMetadata: true); // and any that moves the begin address

        Assert.Equal([0, 1], metadataAtFlush);
        Assert.Equal(3L, Newest(files));
    }

    [Fact]
    public async Task MakeDurable_WaitsForACommitAtOrPastItsAddress()
    {
        using var dir = new TempDirectory();
        var files = Files(dir.Path);
        using var manager = new DurableCommitManager(files, () => { }, Throttle);
        manager.Commit(64, 200, Metadata, 1, forceWriteMetadata: false);
        manager.Commit(64, 300, Metadata, 2, forceWriteMetadata: false); // reported, not written

        await manager.MakeDurableAsync(250); // the reported commit covers it: written now
        Assert.Equal(2L, Newest(files));

        var waiting = manager.MakeDurableAsync(400);
        manager.Commit(64, 350, Metadata, 3, forceWriteMetadata: false);
        Assert.False(waiting.IsCompleted);
        manager.Commit(64, 450, Metadata, 4, forceWriteMetadata: false);
        await waiting.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.Equal(4L, Newest(files));
    }

    [Fact]
    public async Task AFailedFlush_IsFinal_NoMetadataAfterItAndEveryDurablePointFails()
    {
        using var dir = new TempDirectory();
        var files = Files(dir.Path);
        var flushes = 0;
        using var manager = new DurableCommitManager(files, () =>
        {
            if (++flushes == 2)
            {
                throw new IOException("EIO");
            }
        }, Throttle);
        manager.Commit(64, 200, Metadata, 1, forceWriteMetadata: false);
        var waiting = manager.MakeDurableAsync(300);

        manager.Commit(64, 300, Metadata, 2, forceWriteMetadata: false); // its flush fails: nothing thrown into FASTER
        manager.Commit(128, 400, Metadata, 3, forceWriteMetadata: true);

        Assert.Equal(1L, Newest(files)); // the newest metadata still names a flushed prefix
        Assert.Equal(2, flushes); // never flushed again: a later fsync could succeed over the lost writes
        await Assert.ThrowsAsync<StorageFailedException>(() => waiting);
        await Assert.ThrowsAsync<StorageFailedException>(() => manager.MakeDurableAsync(500));
        Assert.Throws<StorageFailedException>(manager.ThrowIfFailed);
    }

    /// <summary>The newest metadata file's commit number (older ones are deleted in the background).</summary>
    private static long Newest(DeviceLogCommitCheckpointManager files) => files.ListCommits().First();

    private static DeviceLogCommitCheckpointManager Files(string directory) => new(
        new LocalStorageNamedDeviceFactory(),
        new DefaultCheckpointNamingScheme(Path.Combine(directory, "commits")),
        removeOutdated: true);
}
