using Microsoft.Extensions.Logging.Abstractions;
using Starcite.Storage;
using Starcite.Storage.Faster;
using Starcite.Tests.TestSupport;

namespace Starcite.Tests.Storage;

/// <summary>
/// A corrupt record makes FASTER recover to the commit before it, but the bytes after it stay in the file; once new
/// records are appended in front of them, an unguarded reopen finds the old commit records again and brings the
/// rolled-back data back. The log must cut those bytes when it opens.
/// </summary>
[Trait("Category", "Integration")]
public sealed class FasterEventLogTailTests
{
    private const int Records = 900;
    private const int RecordBytes = 16 * 1024;

    [Fact]
    public async Task Open_AfterCorruptionRolledTheTailBack_NeverResurrectsRolledBackRecords()
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        var addresses = new List<long>();
        await using (var log = Open(dir.Path))
        {
            for (var i = 0; i < Records; i++)
            {
                Assert.True(log.TryAppend(Record(i), out var address));
                addresses.Add(address);
                await log.WaitForCommitAsync(address, ct); // one commit per record, as under real load
            }
        }

        // Flip one byte inside record 310, on the second 4 MB page.
        var corrupt = 310;
        await using (var file = new FileStream(Path.Combine(dir.Path, "events.log.0"), FileMode.Open, FileAccess.ReadWrite))
        {
            file.Position = addresses[corrupt] + 100;
            var b = file.ReadByte();
            file.Position--;
            file.WriteByte((byte)(b ^ 0xFF));
        }

        var appended = new List<long>();
        await using (var log = Open(dir.Path))
        {
            Assert.True(log.TailAddress <= addresses[corrupt]);
            var survivors = log.ReadCommitted(log.BeginAddress, log.TailAddress).Count();
            Assert.InRange(survivors, 1, corrupt);
            for (var i = 0; i < 5; i++)
            {
                Assert.True(log.TryAppend(Record(10_000 + i), out var address));
                appended.Add(address);
                await log.WaitForCommitAsync(address, ct);
            }
        }

        await using (var log = Open(dir.Path))
        {
            var records = log.ReadCommitted(log.BeginAddress, log.TailAddress).ToList();
            Assert.Equal(appended[^1], records[^1].Address);
            Assert.Equal(Record(10_004), records[^1].Bytes);
            Assert.DoesNotContain(records, r => r.Address > appended[^1]);
        }
    }

    [Fact]
    public async Task Open_CleanLog_CutsNothingAndKeepsEveryRecord()
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        long tail;
        await using (var log = Open(dir.Path))
        {
            for (var i = 0; i < 50; i++)
            {
                Assert.True(log.TryAppend(Record(i), out var address));
                await log.WaitForCommitAsync(address, ct);
            }

            tail = log.TailAddress;
        }

        await using (var log = Open(dir.Path))
        {
            Assert.Equal(tail, log.TailAddress);
            Assert.Equal(50, log.ReadCommitted(log.BeginAddress, log.TailAddress).Count());
        }
    }

    private static FasterEventLog Open(string directory) =>
        FasterEventLog.Open(directory, new StorageOptions(), TimeProvider.System, NullLogger.Instance);

    private static byte[] Record(int n)
    {
        var bytes = new byte[RecordBytes];
        new Random(n).NextBytes(bytes);
        return bytes;
    }
}
