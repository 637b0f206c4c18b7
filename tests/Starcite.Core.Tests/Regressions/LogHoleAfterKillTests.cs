using Starcite.CrashWriter;
using Starcite.Sessions;
using Starcite.Tests.TestSupport;

namespace Starcite.Tests.Regressions;

/// <summary>
/// Known engine bug (not committed): after kill -9 the log on disk can hold a hole. FasterLog flushes the tail of a full
/// page and the next page with separate concurrent writes; when the process dies after the later write landed and
/// before the earlier one did, the end of page N is zeros and page N + 1 holds later records and a later commit record.
/// FasterLog's recovery scan reads zeros as end-of-page padding, jumps to page N + 1 and recovers past the hole. Nothing
/// acknowledged is lost (an ack needs every earlier flush to complete), but a session with records on both sides of
/// the hole has a seq gap, and StartAsync throws StorageFailedException ("event seq X does not follow last seq Y"):
/// a routine crash leaves a data directory that no longer opens. Expected: open on the gap-free prefix before the hole
/// (everything after it is unacknowledged by construction).
/// </summary>
[Trait("Category", "Integration")]
public sealed class LogHoleAfterKillTests
{
    /// <summary>
    /// Deterministic: the on-disk state observed after a real kill (see the report), built by zeroing the tail of one
    /// page from the start of a record whose session continues on the next page.
    /// </summary>
    [Fact]
    public async Task Open_LostPageTailFlushBeforeLaterCommit_OpensWithGapFreePrefix()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDirectory();
        await using (var writer = CrashWriterProcess.Start(dir.Path, run: 1, sessions: 4, writers: 8, smallSegments: true))
        {
            await writer.WaitForReadyAsync(ct);
            await writer.WaitForAcksAsync(2500, ct);
            await writer.KillAsync(ct);
        }

        var options = CrashWriterOptions.Create(dir.Path, smallSegments: true);
        var pageSize = options.Storage.PageSize;
        var entries = LogFiles.Entries(dir.Path, pageSize, options.Storage.SegmentSize);
        var events = entries.Where(e => !e.IsCommit && e.Payload[1] == 2)
            .Select(e => (Entry: e, Header: Starcite.Storage.Codec.RecordCodec.ReadEventHeader(e.Payload)))
            .ToList();

        // The last page boundary with a session whose events straddle it; the hole starts at that session's last event
        // before the boundary and runs to the end of the page.
        var boundary = entries[^1].Address / pageSize * pageSize;
        var holeStart = events
            .Where(e => e.Entry.Address < boundary && e.Entry.Address >= boundary - pageSize
                && events.Any(later => later.Entry.Address >= boundary && later.Header.SessionNumber == e.Header.SessionNumber))
            .Max(e => e.Entry.Address);
        Assert.True(LogFiles.MetadataUntilAddress(dir.Path) <= holeStart, "Precondition: the hole lies after FasterLog's commit metadata.");
        var segment = (int)(holeStart / options.Storage.SegmentSize);
        using (var file = new FileStream(LogFiles.SegmentPath(dir.Path, segment), FileMode.Open, FileAccess.Write))
        {
            file.Position = holeStart - (segment * options.Storage.SegmentSize);
            file.Write(new byte[boundary - holeStart]);
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"zeroed [{holeStart}, {boundary}); {LogFiles.Describe(dir.Path)}");

        await using var engine = await StarciteEngine.StartAsync(options, cancellationToken: ct);
        foreach (var sessionId in Enumerable.Range(0, 4).Select(CrashEvents.SessionId))
        {
            var stored = await engine.ReadAllAsync(sessionId, ct);
            Assert.Equal(Enumerable.Range(1, stored.Count).Select(i => (long)i), stored.Select(e => e.Seq));
            Assert.All(stored, e => Assert.Null(CrashEvents.Mismatch(e)));
            var next = await engine.AppendAsync(sessionId, CrashEvents.Request("after-hole", 1), ct);
            Assert.Equal(new AppendResult(AppendStatus.Appended, stored.Count + 1, stored.Count + 1), next);
        }
    }
}
