using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging.Abstractions;
using Starcite.Storage;
using Starcite.Storage.Faster;
using Starcite.Tests.TestSupport;

namespace Starcite.Tests.Storage;

/// <summary>
/// The log's device grows segment files in zero-filled steps ahead of the data, so most commits overwrite zeros
/// instead of extending the file. Nothing a writer committed may be zeroed by a step, the zeros must read as the end of
/// the log, and only non-zero bytes after the recovered tail count as torn.
/// </summary>
[Trait("Category", "Integration")]
public sealed class SegmentFileDeviceTests
{
    private static readonly StorageOptions SmallSegments = new() { PageSize = 1L << 16, MemorySize = 1L << 22, SegmentSize = 1L << 20 };

    [Fact]
    public async Task ConcurrentCommits_AcrossManyStepsAndSegments_KeepEveryRecordIntact()
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        var written = new System.Collections.Concurrent.ConcurrentDictionary<long, byte[]>();
        await using (var log = Open(dir.Path))
        {
            // 16 writers, records of many sizes, a commit wait after each: flushes of neighbouring ranges and of new
            // pages run concurrently with the writes that grow the file, across three or more 1 MB segments.
            await Task.WhenAll(Enumerable.Range(0, 16).Select(writer => Task.Run(
                async () =>
                {
                    for (var i = 0; i < 80; i++)
                    {
                        var record = Record((writer * 1000) + i, 100 + ((writer * 37 + i * 101) % 4000));
                        Assert.True(log.TryAppend(record, out var address));
                        written[address] = record;
                        await log.WaitForCommitAsync(address, ct);
                    }
                },
                ct)));
            Assert.True(log.TailAddress > 2 * SmallSegments.SegmentSize, $"tail {log.TailAddress}");
        }

        foreach (var path in Directory.EnumerateFiles(dir.Path, "events.log.*"))
        {
            var length = new FileInfo(path).Length;
            Assert.True(length % SegmentFileDevice.GrowthStep == 0, $"{path}: {length} bytes");
        }

        await using (var log = Open(dir.Path))
        {
            var records = log.ReadCommitted(log.BeginAddress, log.TailAddress).ToDictionary(r => r.Address, r => r.Bytes);
            Assert.Equal(written.Count, records.Count);
            Assert.All(written, pair => Assert.Equal(pair.Value, records[pair.Key]));
        }
    }

    [Fact]
    public async Task ConcurrentWrites_InShuffledOrder_NeverZeroEachOther()
    {
        // The device alone, as FASTER drives it: writes of neighbouring ranges in flight together, in any order. A
        // write that grows the file must not lay its zeros over a block another write has put past the old end.
        const int Block = 4096;
        const int Blocks = 1024; // 4 MB a segment: sixteen growth steps
        const int Segments = 6; // the race is narrow: give it room in six segments, written one after another
        using var dir = new TempDirectory();
        var data = new byte[Blocks * Block];
        new Random(3).NextBytes(data);
        var pinned = GCHandle.Alloc(data, GCHandleType.Pinned);
        try
        {
            using var device = new SegmentFileDevice(Path.Combine(dir.Path, "events.log"));
            device.Initialize(segmentSize: 1L << 23);
            for (var segment = 0; segment < Segments; segment++)
            {
                var completions = Enumerable.Range(0, Blocks).OrderBy(_ => Random.Shared.Next()).Select(block =>
                {
                    var done = new TaskCompletionSource<uint>(TaskCreationOptions.RunContinuationsAsynchronously);
                    device.WriteAsync(pinned.AddrOfPinnedObject() + (block * Block), segment, (ulong)(block * Block), Block, (error, _, _) => done.SetResult(error), block);
                    return done.Task;
                }).ToList();
                var errors = await Task.WhenAll(completions).WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
                Assert.All(errors, error => Assert.Equal(0u, error));
            }
        }
        finally
        {
            pinned.Free();
        }

        for (var segment = 0; segment < Segments; segment++)
        {
            var file = await File.ReadAllBytesAsync(Path.Combine(dir.Path, $"events.log.{segment}"), TestContext.Current.CancellationToken);
            Assert.True(file.AsSpan(0, data.Length).SequenceEqual(data), $"segment {segment}: a block was overwritten");
            Assert.Equal(Blocks * Block, file.Length); // the last step ends exactly at the data's end here
        }
    }

    [Fact]
    public async Task Open_CleanLogWithZeroFilledStep_CutsNothing()
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        var tail = await AppendAndCloseAsync(dir.Path, first: 0, count: 20, ct);

        var segment = Path.Combine(dir.Path, "events.log.0");
        Assert.Equal(SegmentFileDevice.GrowthStep, new FileInfo(segment).Length); // 20 KB of data, then zeros to the step
        await using (var log = Open(dir.Path))
        {
            Assert.Equal(tail, log.TailAddress);
            Assert.Equal(20, log.ReadCommitted(log.BeginAddress, log.TailAddress).Count());
        }

        Assert.Equal(SegmentFileDevice.GrowthStep, new FileInfo(segment).Length); // nothing was cut
    }

    [Fact]
    public async Task Open_GarbageInTheZeroFilledStep_IsCutAndNeverReadAsRecords()
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        var tail = await AppendAndCloseAsync(dir.Path, first: 0, count: 20, ct);

        // A torn write from an earlier life: stale bytes well past the tail, inside the zeros.
        var segment = Path.Combine(dir.Path, "events.log.0");
        LogFiles.Scribble(segment, offset: 100_000, count: 4096, seed: 7);
        await using (var log = Open(dir.Path))
        {
            Assert.Equal(tail, log.TailAddress);
            Assert.True(new FileInfo(segment).Length < 100_000, "the stale bytes were not cut");
        }

        await AppendAndCloseAsync(dir.Path, first: 100, count: 100, ct); // far enough to write over where the stale bytes were

        await using (var reopened = Open(dir.Path))
        {
            var records = reopened.ReadCommitted(reopened.BeginAddress, reopened.TailAddress).ToList();
            Assert.Equal(120, records.Count);
            Assert.Equal(Record(199, 1000), records[^1].Bytes);
        }
    }

    /// <summary>Appends records <paramref name="first"/>.. of 1,000 bytes, each committed; returns the tail after them.</summary>
    private static async Task<long> AppendAndCloseAsync(string directory, int first, int count, CancellationToken ct)
    {
        await using var log = Open(directory);
        for (var i = first; i < first + count; i++)
        {
            Assert.True(log.TryAppend(Record(i, 1000), out var address));
            await log.WaitForCommitAsync(address, ct);
        }

        return log.TailAddress;
    }

    private static FasterEventLog Open(string directory) =>
        FasterEventLog.Open(directory, SmallSegments, TimeProvider.System, NullLogger.Instance);

    private static byte[] Record(int n, int length)
    {
        var bytes = new byte[length];
        new Random(n).NextBytes(bytes);
        bytes[^1] = 1; // non-zero to the last byte, so the data's end is visible in the file
        return bytes;
    }
}
