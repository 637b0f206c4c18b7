using Starcite.CrashWriter;
using Starcite.Sessions;
using Starcite.Tests.Recovery;
using Starcite.Tests.TestSupport;

namespace Starcite.Tests.Regressions;

/// <summary>
/// Known engine bugs (not committed): recovery trusts the session snapshot, the index checkpoint and FasterLog's commit
/// metadata even when the log they describe is shorter than they claim.
/// </summary>
[Trait("Category", "Integration")]
public sealed class TornTailBelowCheckpointTests
{
    public static TheoryData<LogDamage> CommittedDataDamages() =>
        [.. Enum.GetValues<LogDamage>().Where(damage => damage != LogDamage.CutFewBytes)];

    /// <summary>
    /// Bug 1: after a clean dispose the snapshot and index checkpoint cover the whole log. Damage to the tail makes
    /// FasterLog recover a shorter log, but recovery keeps the snapshot's last_seq and the index's addresses.
    /// </summary>
    [Theory]
    [MemberData(nameof(CommittedDataDamages))]
    public async Task Open_DamagedTailAfterDispose_RecoversCleanPrefixAndContinues(LogDamage damage)
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDirectory();
        var options = CrashWriterOptions.Create(dir.Path, smallSegments: true);
        var written = await TornTailTests.WriteAndDisposeAsync(options, ct);
        await TornTailTests.DamageReopenAndVerifyAsync(damage, options, written, ct);
    }

    /// <summary>
    /// Bug 1, minimal: session b's last record is cut off after a clean dispose. The reopened engine still reports b's
    /// last_seq as 2, the next append (to session a) is logged where b's seq 2 was, and reading b then returns a's event.
    /// </summary>
    [Fact]
    public async Task Open_LogCutBelowCheckpoint_NeverServesAnotherSessionsEvent()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDirectory();
        await using (var engine = await Engines.StartAsync(dir.Path))
        {
            await engine.CreateAsync("a");
            await engine.CreateAsync("b");
            Assert.Equal(1, (await engine.AppendAsync("a", Engines.Event("pa", 1), ct)).Seq);
            Assert.Equal(1, (await engine.AppendAsync("b", Engines.Event("pb", 1), ct)).Seq);
            Assert.Equal(2, (await engine.AppendAsync("b", Engines.Event("pb", 2), ct)).Seq);
        }

        // Cut the log where b's seq 2 starts: the record and its commit record are gone.
        var options = Engines.Options(dir.Path);
        var entries = LogFiles.Entries(dir.Path, options.Storage.PageSize, options.Storage.SegmentSize);
        var lastEvent = entries.Last(e => !e.IsCommit);
        LogFiles.TruncateTo(LogFiles.LastSegment(dir.Path), lastEvent.FileOffset);

        await using (var engine = await Engines.StartAsync(dir.Path))
        {
            var appended = await engine.AppendAsync("a", Engines.Event("pa", 2), ct);
            Assert.Equal(new AppendResult(AppendStatus.Appended, 2, 2), appended);
            var b = await engine.ReadAllAsync("b", ct);
            Assert.All(b, e => Assert.Equal("pb", e.ProducerId));
            Assert.Equal([1L], b.Select(e => e.Seq));
            Assert.Equal(1, (await engine.GetSessionAsync("b", ct))!.LastSeq);
        }
    }

    public static TheoryData<bool> SmallPages() => [false, true];

    /// <summary>
    /// Bug 2: FasterLog writes commit metadata only every 1,000 commits and trusts it on recovery. When the segment
    /// file is cut below the address that metadata declares committed, FasterLog reports a committed tail past the end
    /// of the file. With 4 MiB pages (the cut lands in the recovered tail page) replay accepts the torn record, whose
    /// leading fields survived, as the session's last event, and reading it throws a raw FasterException ("Checksum
    /// failed for read"). With 64 KiB pages (whole pages missing) StartAsync throws a raw FasterException from the
    /// replay scan ("Invalid checksum found during scan, skipping" or "Uninitialized page found during scan"). Expected: open on the readable prefix, or at least throw the documented
    /// StorageFailedException, never count a record that cannot be read.
    /// </summary>
    [Theory]
    [MemberData(nameof(SmallPages))]
    public async Task Open_LogCutBelowCommitMetadata_OpensWithCleanPrefix(bool smallPages)
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDirectory();
        var written = new WrittenEvents();
        await using (var writer = CrashWriterProcess.Start(dir.Path, run: 1, sessions: 1, writers: 1, smallSegments: smallPages))
        {
            await writer.WaitForReadyAsync(ct);
            await writer.WaitForAcksAsync(1100, ct); // one writer: one commit per append, so commit 1000 wrote metadata
            foreach (var ack in await writer.KillAsync(ct))
            {
                written.Set(ack.SessionId, ack.Seq, ack.ProducerId, ack.ProducerSeq);
            }
        }

        var options = CrashWriterOptions.Create(dir.Path, smallPages);
        var metadataUntil = LogFiles.MetadataUntilAddress(dir.Path);
        var entries = LogFiles.Entries(dir.Path, options.Storage.PageSize, options.Storage.SegmentSize);
        Assert.InRange(metadataUntil, LogFiles.FirstAddress + 1, entries[^1].End - 1);

        // Cut into the middle of the event record just below the metadata's address; with small pages, into the
        // record just below the start of the page before.
        var cutBelow = smallPages ? ((metadataUntil / options.Storage.PageSize) - 1) * options.Storage.PageSize : metadataUntil;
        var cutEvent = entries.Last(e => !e.IsCommit && e.End < cutBelow);
        LogFiles.TruncateTo(LogFiles.LastSegment(dir.Path), cutEvent.FileOffset + (cutEvent.Size / 2));
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{written.Count(CrashEvents.SessionId(0))} acks; metadata until {metadataUntil}; cut at {cutEvent.Address + (cutEvent.Size / 2)}: {LogFiles.Describe(dir.Path)}");

        await using var engine = await StarciteEngine.StartAsync(options, cancellationToken: ct);
        var events = await engine.ReadAllAsync(CrashEvents.SessionId(0), ct);
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.Seq));
        Assert.All(events, e => Assert.True(written.TryGet(e.SessionId, e.Seq, out var w) && w == (e.ProducerId, e.ProducerSeq)));
        Assert.All(events, e => Assert.Null(CrashEvents.Mismatch(e)));
    }
}
