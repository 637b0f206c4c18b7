using Microsoft.Extensions.Time.Testing;
using Starcite.Archive.Tests.TestSupport;

namespace Starcite.Archive.Tests.Engine;

public abstract partial class ArchiveEngineTests
{
    private static readonly string[] BacklogSessions = ["ses_a", "ses_b", "ses_c"];

    [Fact]
    public async Task Restart_WhileAWriteIsInFlight_ReopensAtTheConfirmedArchivedSeqAndCompletesExactlyOnce()
    {
        var options = Options(a => a.MaxBatchEvents = 50);
        var store = Open(viaProxy: true);
        var confirmed = 0;
        var attemptsAtThird = int.MaxValue;
        store.AfterStored = (_, _) =>
        {
            if (Interlocked.Increment(ref confirmed) == 3)
            {
                Proxy.Blackhole(); // the next write hangs on the wire, in flight
                Volatile.Write(ref attemptsAtThird, store.WriteAttempts);
            }

            return Task.CompletedTask;
        };

        var archivedAtStop = new Dictionary<string, long>();
        await using (var engine = await StartAsync(options, store))
        {
            Proxy.Cut(); // build a backlog first
            await CreateSessionsAsync(engine, BacklogSessions);
            await AppendBacklogAsync(engine, 1, 400);
            Proxy.Restore();
            // Writes are one at a time: once the next one started, the third one's archived_seq is recorded.
            await Eventually.UntilAsync(() => store.WriteAttempts > Volatile.Read(ref attemptsAtThird), "a write in flight after three confirmed ones");

            foreach (var id in BacklogSessions)
            {
                archivedAtStop[id] = (await SessionAsync(engine, id)).ArchivedSeq;
                Assert.Equal(store.ConfirmedSeq(id), archivedAtStop[id]); // what the store confirmed, no more
            }

            Assert.True(archivedAtStop.Values.Sum() is > 0 and < 1200, $"archived {archivedAtStop.Values.Sum()} of 1200 before the stop");
        } // disposed with the write still in flight

        Proxy.Restore();
        var reopened = Open();
        await using (var engine = await StartAsync(options, reopened))
        {
            foreach (var id in BacklogSessions)
            {
                var session = await SessionAsync(engine, id);
                Assert.Equal((400L, archivedAtStop[id]), (session.LastSeq, session.ArchivedSeq));
            }

            await WaitArchivedAsync(engine, BacklogSessions);
            foreach (var id in BacklogSessions)
            {
                // Resumed from the durable archived_seq, not from the start.
                var first = reopened.Confirmed.SelectMany(b => b).First(w => w.Session.Id == id && w.Events.Count > 0);
                Assert.Equal(archivedAtStop[id] + 1, first.Events[0].Seq);
                await AssertArchiveHoldsExactlyAsync(id, await ReadAllAsync(engine, id));
            }
        }
    }

    [Fact]
    public async Task LostConfirmation_StoredBatchWhoseAckWasLost_IsRewrittenWithoutDuplicatesOrChanges()
    {
        var options = Options(a => a.MaxBatchEvents = 40);
        var store = Open();
        IReadOnlyList<ArchiveWrite>? lost = null;
        store.AfterStored = (batch, _) =>
        {
            if (store.WriteAttempts == 2 && Interlocked.CompareExchange(ref lost, batch, null) is null)
            {
                throw new TimeoutException("the store wrote the batch, but its answer never arrived");
            }

            return Task.CompletedTask;
        };

        await using var engine = await StartAsync(options, store);
        await CreateSessionsAsync(engine, BacklogSessions);
        await AppendBacklogAsync(engine, 1, 60);
        await WaitArchivedAsync(engine, BacklogSessions);

        Assert.NotNull(lost);
        var rewritten = lost.Where(w => w.Events.Count > 0).ToList();
        Assert.NotEmpty(rewritten);
        foreach (var write in rewritten)
        {
            // The same events went out again in a confirmed write, and the archive holds each once, as the engine does.
            var again = store.Confirmed.SelectMany(b => b).Where(w => w.Session.Id == write.Session.Id).SelectMany(w => w.Events).Select(e => e.Seq).ToHashSet();
            Assert.Superset(write.Events.Select(e => e.Seq).ToHashSet(), again);
        }

        foreach (var id in BacklogSessions)
        {
            await AssertArchiveHoldsExactlyAsync(id, await ReadAllAsync(engine, id));
        }
    }

    [Fact]
    public async Task LostConfirmation_EngineStoppedAfterTheStoreWrote_ReopenedEngineRewritesWithoutDuplicates()
    {
        var options = Options(a => a.MaxBatchEvents = 1000);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow); // the archiver runs only when the test advances it
        var store = Open();
        var stored = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        store.AfterStored = async (_, cancellationToken) =>
        {
            stored.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken); // the answer never comes back before the stop
        };

        await using (var engine = await StartAsync(options, store, time))
        {
            await CreateSessionsAsync(engine, BacklogSessions);
            await AppendBacklogAsync(engine, 1, 120);
            time.Advance(options.Archive.FlushInterval); // one write carries the whole backlog
            await stored.Task.WaitAsync(Eventually.DefaultTimeout, Ct);
            await AssertArchivedSeqAsync(engine, 0);
        }

        foreach (var id in BacklogSessions)
        {
            Assert.Equal(120, (await ReadArchiveAsync(id)).Count); // the store did write
        }

        var reopened = Open();
        await using (var engine = await StartAsync(options, reopened))
        {
            await AssertArchivedSeqAsync(engine, 0);
            await WaitArchivedAsync(engine, BacklogSessions);
            Assert.All(BacklogSessions, id => Assert.Contains(reopened.Confirmed.SelectMany(b => b), w => w.Session.Id == id && w.Events.Count > 0 && w.Events[0].Seq == 1));
            foreach (var id in BacklogSessions)
            {
                await AssertArchiveHoldsExactlyAsync(id, await ReadAllAsync(engine, id));
            }
        }
    }

    private static async Task AssertArchivedSeqAsync(StarciteEngine engine, long archivedSeq)
    {
        foreach (var id in BacklogSessions)
        {
            Assert.Equal(archivedSeq, (await SessionAsync(engine, id)).ArchivedSeq);
        }
    }

    /// <summary>Appends <paramref name="from"/>..<paramref name="to"/> to every backlog session, interleaved, from producer "b".</summary>
    private static async Task AppendBacklogAsync(StarciteEngine engine, int from, int to)
    {
        await Task.WhenAll(BacklogSessions.Select(id => Task.Run(async () =>
        {
            for (var n = from; n <= to; n++)
            {
                await AppendOkAsync(engine, id, "b", n, padding: n % 4 * 100);
            }
        }, Ct)));
    }
}
