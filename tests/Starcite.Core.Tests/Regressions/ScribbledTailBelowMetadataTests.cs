using Starcite.Sessions;
using Starcite.Tests.TestSupport;

namespace Starcite.Tests.Regressions;

/// <summary>
/// Regression (intermittent in the torn-tail suite): garbage written in place over the last event, when FasterLog's
/// commit metadata and the session snapshot both cover it, was never re-read at startup (FASTER trusts its metadata,
/// replay starts after the snapshot, and the file is not shorter), so the engine opened and served a corrupt record.
/// Startup now verifies the records near the tail. FASTER writes its metadata on a process's first commit, which makes
/// this deterministic: one append in a fresh process, then a clean stop.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ScribbledTailBelowMetadataTests
{
    [Fact]
    public async Task Open_LastEventScribbledUnderMetadataAndSnapshot_OpensOnTheCleanPrefix()
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using (var engine = await Engines.StartAsync(dir.Path))
        {
            await engine.CreateAsync("ses_a");
            await engine.AppendAsync("ses_a", Engines.Event("p", 1), ct);
        }

        var options = Engines.Options(dir.Path);
        await using (var engine = await Engines.StartAsync(dir.Path))
        {
            await engine.AppendAsync("ses_a", Engines.Event("p", 2), ct); // this process's first commit: metadata covers it
        }

        var entries = LogFiles.Entries(dir.Path, options.Storage.PageSize, options.Storage.SegmentSize);
        var damagedFrom = LogFiles.Damage(LogDamage.GarbageOverLastEvent, dir.Path, options.Storage.SegmentSize, entries);
        Assert.True(LogFiles.MetadataUntilAddress(dir.Path) > damagedFrom, "Precondition: FASTER's metadata covers the scribbled event.");

        await using (var engine = await Engines.StartAsync(dir.Path))
        {
            var page = await engine.ReadEventsAsync("ses_a", 0, 100, ct);
            Assert.Equal(Enumerable.Range(1, page.Events.Count).Select(i => (long)i), page.Events.Select(e => e.Seq));
            Assert.Equal(page.LastSeq, page.Events.Count);
            var next = await engine.AppendAsync("ses_a", Engines.Event("q", 1), ct);
            Assert.Equal(AppendStatus.Appended, next.Status);
            Assert.Equal(page.LastSeq + 1, next.Seq);
        }
    }
}
