using Microsoft.Extensions.Time.Testing;
using Starcite.Archive.Tests.TestSupport;
using Starcite.Diagnostics;
using Starcite.Sessions;

namespace Starcite.Archive.Tests.Engine;

public abstract partial class ArchiveEngineTests
{
    private static readonly int[] PageSizes = [1, 7, 100, 1000];

    [Fact]
    public async Task Reclaim_AfterRetentionAndCheckpoint_PagesTailsAndRestartReadArchivedThenLocalThenLive()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 2, 20, 10, 0, 0, TimeSpan.Zero));
        var retention = TimeSpan.FromSeconds(10);
        var options = Options(a =>
        {
            a.LocalRetention = retention;
            a.ReadCacheEvents = 50; // smaller than the archived range: reads must go back to the store
        });
        var store = Open();
        var logs = new EventLogger();
        var flushTick = () => time.Advance(options.Archive.FlushInterval);
        List<SessionEvent> expectedA, expectedB;
        await using (var engine = await StartAsync(options, store, time, logs: logs))
        {
            await CreateSessionsAsync(engine, "ses_a", "ses_b");
            for (var n = 1; n <= 300; n++)
            {
                await AppendOkAsync(engine, "ses_a", "p", n, padding: n % 5 * 50);
                if (n % 6 == 0)
                {
                    await AppendOkAsync(engine, "ses_b", "q", n / 6);
                }
            }

            await WaitArchivedAsync(engine, ["ses_a", "ses_b"], flushTick);
            expectedA = await ReadAllAsync(engine, "ses_a");
            expectedB = await ReadAllAsync(engine, "ses_b");
            Assert.Equal(0, store.Reads); // all still local

            // Within the retention a checkpoint frees nothing: reads stay local.
            await engine.CheckpointAsync(Ct);
            await engine.ReclaimAsync(engine.LastCheckpoint, Ct);
            ArchiveAssert.SameEvents(expectedA, await ReadAllAsync(engine, "ses_a"));
            Assert.Equal(0, store.Reads);

            // Once the checkpoint is older than the retention, the archived prefix leaves local storage.
            time.Advance(retention);
            var reclaimed = logs.NextAsync(LogEvents.LogReclaimed);
            await engine.CheckpointAsync(Ct);
            await engine.ReclaimAsync(engine.LastCheckpoint, Ct);
            Assert.True(reclaimed.IsCompleted, "the reclaim freed nothing");

            // More events after the reclaim stay local (the fake clock stands still, so the archiver does not run).
            for (var n = 301; n <= 400; n++)
            {
                await AppendOkAsync(engine, "ses_a", "p", n);
            }

            Assert.Equal(300, (await SessionAsync(engine, "ses_a")).ArchivedSeq);
            expectedA.AddRange((await engine.ReadEventsAsync("ses_a", 300, 1000, Ct)).Events);
            var readsBefore = store.Reads;
            foreach (var pageSize in PageSizes)
            {
                ArchiveAssert.SameEvents(expectedA, await ReadAllAsync(engine, "ses_a", pageSize));
                ArchiveAssert.SameEvents(expectedB, await ReadAllAsync(engine, "ses_b", pageSize));
            }

            Assert.True(store.Reads > readsBefore, "no read went to the archive: nothing was reclaimed");

            // A tail from 0: the archived part, the local part, then live appends; no gap, no duplicate.
            await using var tail = await engine.OpenTailAsync("ses_a", 0, Ct);
            var tailed = new List<SessionEvent>();
            while (tailed.Count < 400 && await tail.WaitToReadAsync(Ct))
            {
                while (tailed.Count < 400 && tail.TryRead(out var e))
                {
                    tailed.Add(e);
                }
            }

            var live = Task.Run(async () =>
            {
                for (var n = 401; n <= 450; n++)
                {
                    await AppendOkAsync(engine, "ses_a", "p", n);
                }
            }, Ct);
            await foreach (var e in tail.ReadAllAsync(Ct))
            {
                tailed.Add(e);
                if (e.Seq == 450)
                {
                    break;
                }
            }

            await live;
            expectedA.AddRange((await engine.ReadEventsAsync("ses_a", 400, 1000, Ct)).Events);
            ArchiveAssert.SameEvents(expectedA, tailed);
        }

        // Reopened on the reclaimed log: recovery and every read path still see the whole history.
        var reopenedStore = Open();
        await using (var engine = await StartAsync(options, reopenedStore, time))
        {
            var session = await SessionAsync(engine, "ses_a");
            Assert.Equal((450L, 300L), (session.LastSeq, session.ArchivedSeq));
            ArchiveAssert.SameEvents(expectedA, await ReadAllAsync(engine, "ses_a", 64));
            ArchiveAssert.SameEvents(expectedB, await ReadAllAsync(engine, "ses_b"));
            Assert.True(reopenedStore.Reads > 0);
            await WaitArchivedAsync(engine, ["ses_a"], flushTick);
            await AssertArchiveHoldsExactlyAsync("ses_a", expectedA);
        }
    }
}
