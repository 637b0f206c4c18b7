using Starcite.Archive.Tests.TestSupport;
using Starcite.Sessions;

namespace Starcite.Archive.Tests.Engine;

public abstract partial class ArchiveEngineTests
{
    private const int LimitBytes = 256 << 10;
    private const int BigPadding = 1000;

    [Fact]
    public async Task Outage_UnderLoad_AppendsUntilTheLimitThenBackpressureThenCatchesUpWithNothingLostOrDoubled()
    {
        string[] ids = ["ses_a", "ses_b", "ses_c", "ses_d"];
        var store = Open(viaProxy: true);
        await using var engine = await StartAsync(Options(a =>
        {
            a.EventStoreMaxSize = "256KB";
            a.MaxBatchEvents = 100;
        }), store);
        await CreateSessionsAsync(engine, ids);
        var next = ids.ToDictionary(id => id, _ => 1L);

        // Writers append until the engine refuses; each returns how many of its appends were acknowledged.
        async Task<int> WriteUntilRefusedAsync(string id, int? most = null)
        {
            var acked = 0;
            while (acked < (most ?? int.MaxValue))
            {
                var result = await engine.AppendAsync(id, Request("w", next[id], BigPadding), Ct);
                if (result.Status == AppendStatus.EventStoreBackpressure)
                {
                    return acked;
                }

                Assert.Equal((AppendStatus.Appended, next[id]), (result.Status, result.Seq));
                next[id]++;
                acked++;
            }

            return acked;
        }

        Assert.All(await Task.WhenAll(ids.Select(id => WriteUntilRefusedAsync(id, 25))), acked => Assert.Equal(25, acked));
        await WaitArchivedAsync(engine, ids);

        // Archive down: appends go on until the un-archived data reaches the limit, then every writer is refused.
        Proxy.Cut();
        var ackedInOutage = (await Task.WhenAll(ids.Select(id => WriteUntilRefusedAsync(id)))).Sum();
        Assert.True(ackedInOutage * (BigPadding + 500) >= LimitBytes, $"refused after only {ackedInOutage} appends in the outage");
        Assert.True(ackedInOutage * BigPadding < LimitBytes + (ids.Length * (BigPadding + 500)), $"{ackedInOutage} appends went over the limit");
        foreach (var id in ids)
        {
            Assert.Equal(25, (await SessionAsync(engine, id)).ArchivedSeq);
        }

        // A refused append consumes no seq and leaves no trace; a retry of an accepted event is still answered.
        var before = await SessionAsync(engine, "ses_a");
        var refused = await engine.AppendAsync("ses_a", Request("w", next["ses_a"], BigPadding), Ct);
        var newProducer = await engine.AppendAsync("ses_a", Request("fresh", 1), Ct);
        var retry = await engine.AppendAsync("ses_a", Request("w", 3, BigPadding), Ct);
        Assert.Equal(AppendStatus.EventStoreBackpressure, refused.Status);
        Assert.Equal(AppendStatus.EventStoreBackpressure, newProducer.Status);
        Assert.Equal((AppendStatus.Duplicate, 3L), (retry.Status, retry.Seq));
        Assert.Equal(before.LastSeq, (await SessionAsync(engine, "ses_a")).LastSeq);

        // The archiver keeps trying (and failing) meanwhile.
        await Eventually.UntilAsync(() => store.WriteAttempts - store.Confirmed.Count >= 2, "two failed archive writes");

        // Archive back: the archiver catches up, appends succeed again with the seq the refusal did not take.
        Proxy.Restore();
        await WaitArchivedAsync(engine, ids);
        var resumed = await engine.AppendAsync("ses_a", Request("w", next["ses_a"], BigPadding), Ct);
        var freshAfter = await engine.AppendAsync("ses_a", Request("fresh", 1), Ct);
        Assert.Equal((AppendStatus.Appended, before.LastSeq + 1), (resumed.Status, resumed.Seq));
        Assert.Equal((AppendStatus.Appended, before.LastSeq + 2), (freshAfter.Status, freshAfter.Seq));
        next["ses_a"]++;
        await WaitArchivedAsync(engine, ids);

        foreach (var id in ids)
        {
            var events = await ReadAllAsync(engine, id);
            Assert.Equal(next[id] - 1 + (id == "ses_a" ? 1 : 0), events.Count);
            Assert.Equal(Enumerable.Range(1, (int)next[id] - 1), events.Where(e => e.ProducerId == "w").Select(e => (int)e.ProducerSeq));
            await AssertArchiveHoldsExactlyAsync(id, events);
        }
    }
}
