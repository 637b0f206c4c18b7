using Starcite.CrashWriter;
using Starcite.Tests.TestSupport;

namespace Starcite.Tests.Recovery;

/// <summary>
/// A data directory written by the crash writer with small segments and killed twice, built once per test class; each
/// test damages its own copy. The second run starts with a checkpoint (recovery checkpoints what it replayed), so the
/// tail holds records written after a checkpoint, as it would at a real torn write.
/// </summary>
public sealed class KilledWriterFixture : IAsyncLifetime
{
    public const int Sessions = 4;

    private const int Writers = 4;

    /// <summary>Acks per run: two runs make two 1 MiB segment files.</summary>
    private const int AcksPerRun = 1600;

    private readonly TempDirectory _directory = new();

    public WrittenEvents Written { get; } = new();

    /// <summary>Copies the data into <paramref name="directory"/>; returns what each (session, seq) holds there.</summary>
    public WrittenEvents CopyTo(string directory)
    {
        DirectoryCopy.Copy(_directory.Path, directory);
        return Written.Clone();
    }

    public async ValueTask InitializeAsync()
    {
        // Two runs make two segment files; more runs only when the tail is not what the tests damage: FasterLog's
        // commit metadata (written at each run's first commit and every 1,000th) sits at the very tail (damage below
        // that metadata is a different, known failure), or the kill left events flushed after the last whole commit
        // record (a flush can carry events enqueued after its commit record, and the kill can stop the next flush,
        // which carries theirs; the damages are defined relative to a log that ends in a commit record).
        var options = CrashWriterOptions.Create(_directory.Path, smallSegments: true);
        for (var run = 1; run <= 2 || MetadataNearTail(options) || !EndsInCommit(options); run++)
        {
            if (run > 8)
            {
                Assert.Fail($"The killed log's tail never suits the damages: {LogFiles.Describe(_directory.Path)}");
            }

            await using var writer = CrashWriterProcess.Start(_directory.Path, run, Sessions, Writers, smallSegments: true);
            await writer.WaitForReadyAsync(TestContext.Current.CancellationToken);
            await writer.WaitForAcksAsync(AcksPerRun, TestContext.Current.CancellationToken);
            foreach (var ack in await writer.KillAsync(TestContext.Current.CancellationToken))
            {
                Written.Set(ack.SessionId, ack.Seq, ack.ProducerId, ack.ProducerSeq);
            }
        }

        Assert.NotEmpty(Directory.EnumerateFiles(Path.Combine(_directory.Path, "checkpoints"), "*.snap"));
        Assert.True(LogFiles.Segments(_directory.Path).Count >= 2, LogFiles.Describe(_directory.Path));
        foreach (var sessionId in Enumerable.Range(0, Sessions).Select(CrashEvents.SessionId))
        {
            Written.AddSession(sessionId);
        }
    }

    /// <summary>Every damage the tests apply lies within the last 4 KiB of data.</summary>
    private bool MetadataNearTail(StarciteOptions options) =>
        LogFiles.MetadataUntilAddress(_directory.Path) > LogFiles.Entries(_directory.Path, options.Storage.PageSize, options.Storage.SegmentSize)[^1].End - 4096;

    private bool EndsInCommit(StarciteOptions options) =>
        LogFiles.Entries(_directory.Path, options.Storage.PageSize, options.Storage.SegmentSize)[^1].IsCommit;

    public ValueTask DisposeAsync()
    {
        _directory.Dispose();
        return ValueTask.CompletedTask;
    }
}
