using Microsoft.Extensions.Logging.Abstractions;
using Starcite.Storage;
using Starcite.Storage.Faster;
using Starcite.Tests.TestSupport;

namespace Starcite.Tests.Storage;

/// <summary>
/// A cluster member's store writes without O_SYNC and marks durable points (<see cref="LogDurability.DurablePoints"/>):
/// after a power loss the bytes past the newest one may be anything, so a reopen rolls back to it and trusts nothing
/// after it; a clean close keeps everything. A power loss is played by copying the files of an open log: the copy holds
/// the page cache's committed records past the durable point, which a forward scan would take for real ones.
/// </summary>
[Trait("Category", "Integration")]
public sealed class DurablePointsTests
{
    private const int O_SYNC = 0x101000; // Linux: __O_SYNC | O_DSYNC

    [Fact]
    public async Task Reopen_AfterACrash_RollsBackToTheDurablePointAndNoFurther()
    {
        using var dir = new TempDirectory();
        using var crashed = new TempDirectory();
        using var asSingleNode = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        long durable;
        await using (var log = Open(dir.Path, LogDurability.DurablePoints))
        {
            await AppendAsync(log, 0, 40, ct);
            await log.MakeDurableAsync(log.TailAddress, ct); // the commit is reported already: written at once
            durable = log.TailAddress;
            await AppendAsync(log, 40, 30, ct); // committed and readable, not durable
            Assert.Equal(70, Records(log).Count);
            DirectoryCopy.Copy(dir.Path, crashed.Path);
            DirectoryCopy.Copy(dir.Path, asSingleNode.Path);
        }

        await using (var log = Open(crashed.Path, LogDurability.DurablePoints))
        {
            Assert.Equal(durable, log.TailAddress);
            Assert.Equal(Enumerable.Range(0, 40).Select(Record), Records(log));
        }

        // The same files opened as a single node's log, whose every write was durable, keep all 70: the rollback cut them.
        await using (var log = Open(asSingleNode.Path, LogDurability.EveryWrite))
        {
            Assert.Equal(70, Records(log).Count);
        }
    }

    [Fact]
    public async Task MakeDurable_RightAfterAnAppend_CompletesAndAReopenKeepsTheRecord()
    {
        using var dir = new TempDirectory();
        using var crashed = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using (var log = Open(dir.Path, LogDurability.DurablePoints))
        {
            await AppendAsync(log, 0, 40, ct); // the first commit writes metadata; the next ones do not
            Assert.True(log.TryAppend(Record(40), out _));
            await log.MakeDurableAsync(log.TailAddress, ct).AsTask().WaitAsync(TimeSpan.FromSeconds(30), ct);
            DirectoryCopy.Copy(dir.Path, crashed.Path);
        }

        await using (var log = Open(crashed.Path, LogDurability.DurablePoints))
        {
            Assert.Equal(41, Records(log).Count);
        }
    }

    [Fact]
    public async Task Reopen_ASegmentShorterThanItsMetadata_RecoversAsASingleNodeLogWould()
    {
        using var dir = new TempDirectory();
        using var asSingleNode = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        long tail;
        await using (var log = Open(dir.Path, LogDurability.DurablePoints))
        {
            await AppendAsync(log, 0, 70, ct);
            tail = log.TailAddress;
        }

        // The disk lost the last 20,000 bytes the durable metadata names. Zeros written at the rollback's cut would
        // hide that (a zero length reads as the end of a page); the log must recover to the records really there.
        using (var file = new FileStream(Path.Combine(dir.Path, "events.log.0"), FileMode.Open, FileAccess.Write))
        {
            file.SetLength(tail - 20_000);
        }

        DirectoryCopy.Copy(dir.Path, asSingleNode.Path);
        List<byte[]> singleNodeRecords;
        await using (var log = Open(asSingleNode.Path, LogDurability.EveryWrite))
        {
            singleNodeRecords = Records(log);
        }

        await using (var log = Open(dir.Path, LogDurability.DurablePoints))
        {
            var records = Records(log);
            Assert.InRange(records.Count, 1, 69);
            Assert.Equal(Enumerable.Range(0, records.Count).Select(Record), records);
            Assert.Equal(singleNodeRecords, records);
        }
    }

    [Fact]
    public async Task Open_WithoutMetadata_MakesWhatItFoundTheFirstDurablePoint()
    {
        using var dir = new TempDirectory();
        using var crashed = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using (var log = Open(dir.Path, LogDurability.DurablePoints))
        {
            Assert.NotEmpty(Directory.EnumerateFiles(Path.Combine(dir.Path, "commits"), "*", SearchOption.AllDirectories)); // a new log
            await AppendAsync(log, 0, 40, ct);
        }

        Directory.Delete(Path.Combine(dir.Path, "commits"), recursive: true); // as damage repair does
        long found;
        await using (var log = Open(dir.Path, LogDurability.DurablePoints))
        {
            found = log.TailAddress;
            Assert.Equal(40, Records(log).Count); // scanned forward
            await AppendAsync(log, 40, 30, ct);
            DirectoryCopy.Copy(dir.Path, crashed.Path);
        }

        // The crash image rolls back to what that open found, not to whatever a forward scan would accept.
        await using (var log = Open(crashed.Path, LogDurability.DurablePoints))
        {
            Assert.InRange(log.TailAddress, found, found + 512);
            Assert.Equal(Enumerable.Range(0, 40).Select(Record), Records(log));
        }
    }

    [Fact]
    public async Task CleanClose_KeepsEveryRecord()
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using (var log = Open(dir.Path, LogDurability.DurablePoints))
        {
            await AppendAsync(log, 0, 70, ct);
        }

        await using (var log = Open(dir.Path, LogDurability.DurablePoints))
        {
            Assert.Equal(Enumerable.Range(0, 70).Select(Record), Records(log));
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task SegmentFiles_AreOpenedWithOSync_OnlyWhenEveryWriteIsDurable(bool everyWrite)
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var log = Open(dir.Path, everyWrite ? LogDurability.EveryWrite : LogDurability.DurablePoints);
        await AppendAsync(log, 0, 1, ct);
        Assert.Equal(everyWrite, (OpenFlags(Path.Combine(dir.Path, "events.log.0")) & O_SYNC) == O_SYNC);
    }

    private static async Task AppendAsync(FasterEventLog log, int first, int count, CancellationToken ct)
    {
        for (var i = first; i < first + count; i++)
        {
            Assert.True(log.TryAppend(Record(i), out var address));
            await log.WaitForCommitAsync(address, ct);
        }
    }

    private static List<byte[]> Records(FasterEventLog log) => [.. log.ReadCommitted(log.BeginAddress, log.TailAddress).Select(record => record.Bytes)];

    /// <summary>The open flags of this process's descriptor for <paramref name="path"/>, from /proc/self/fdinfo.</summary>
    private static int OpenFlags(string path)
    {
        foreach (var fd in Directory.EnumerateFileSystemEntries("/proc/self/fd"))
        {
            string? target;
            try
            {
                target = new FileInfo(fd).LinkTarget;
            }
            catch (IOException)
            {
                continue; // closed meanwhile
            }

            if (target == path)
            {
                var flags = File.ReadLines($"/proc/self/fdinfo/{Path.GetFileName(fd)}").First(line => line.StartsWith("flags:", StringComparison.Ordinal));
                return Convert.ToInt32(flags["flags:".Length..].Trim(), 8);
            }
        }

        throw new InvalidOperationException($"{path} is not open.");
    }

    private static FasterEventLog Open(string directory, LogDurability durability) =>
        FasterEventLog.Open(directory, new StorageOptions(), TimeProvider.System, NullLogger.Instance, durability);

    private static byte[] Record(int n)
    {
        var bytes = new byte[100 + (n % 7 * 300)];
        new Random(n).NextBytes(bytes);
        return bytes;
    }
}
