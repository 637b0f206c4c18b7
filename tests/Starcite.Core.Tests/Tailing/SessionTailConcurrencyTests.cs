using System.Text.Json;
using Starcite.Sessions;
using Starcite.Tailing;
using Starcite.Tests.TestSupport;

namespace Starcite.Tests.Tailing;

/// <summary>Many readers and many writers at once: every reader still gets its events exactly once and in order.</summary>
[Trait("Category", "Unit")]
public sealed class SessionTailConcurrencyTests
{
    [Fact]
    public async Task OpenTail_HundredReadersWhileFourWritersAppend_EachReceivesEveryEventInOrder()
    {
        const int readers = 100;
        const int total = 2000;
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await Engines.StartAsync(dir.Path);
        var id = await engine.CreateAsync();

        var tails = Enumerable.Range(0, readers).Select(_ => engine.OpenTail(id, 0)).ToList();
        try
        {
            var reading = tails.Select(tail => Task.Run(() => Tails.ReadAsync(tail, total, ct), ct)).ToList();
            await Tails.AppendConcurrentlyAsync(engine, id, 4, total, ct).WaitAsync(Tails.Timeout, ct);
            var received = await Task.WhenAll(reading).WaitAsync(Tails.Timeout, ct);

            foreach (var events in received)
            {
                Tails.AssertSeqs(events, id, 1, total);
            }

            await Tails.AssertMatchesHistoryAsync(engine, id, received[0], ct);
            for (var r = 1; r < readers; r++)
            {
                // Every reader saw the very same events (content, not only seqs).
                Assert.True(received[r].Zip(received[0]).All(pair => pair.First.ProducerId == pair.Second.ProducerId
                    && pair.First.ProducerSeq == pair.Second.ProducerSeq), $"Reader {r} saw different events than reader 0.");
            }
        }
        finally
        {
            foreach (var tail in tails)
            {
                await tail.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task OpenTail_ReadersOpenedAtRandomCursorsMidStream_EachReceivesFromItsCursorToTheEnd()
    {
        const int readers = 40;
        const int total = 2000;
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await Engines.StartAsync(dir.Path, o =>
        {
            o.Tail.RecentEventsPerSession = 64;
            o.Tail.ReadBatchSize = 16;
        });
        var id = await engine.CreateAsync();
        var random = new Random(4242);

        // The pacer is a reader too; it tells us how far the stream has got, so the other readers join mid-stream.
        await using var pacer = engine.OpenTail(id, 0);
        var writers = Tails.AppendConcurrentlyAsync(engine, id, 4, total, ct);
        var opened = new List<(SessionTail Tail, long Cursor, Task<List<SessionEvent>> Reading)>();
        var pacerEvents = new List<SessionEvent>();
        try
        {
            for (var r = 0; r < readers; r++)
            {
                pacerEvents.AddRange(await Tails.ReadAsync(pacer, total / readers, ct));
                var cursor = random.NextInt64(0, pacer.Cursor + 1);
                var tail = engine.OpenTail(id, cursor);
                opened.Add((tail, cursor, Task.Run(() => Tails.ReadAsync(tail, total - (int)cursor, ct), ct)));
            }

            await writers.WaitAsync(Tails.Timeout, ct);
            Tails.AssertSeqs(pacerEvents, id, 1, total);
            foreach (var (_, cursor, reading) in opened)
            {
                Tails.AssertSeqs(await reading.WaitAsync(Tails.Timeout, ct), id, cursor + 1, total);
            }
        }
        finally
        {
            foreach (var (tail, _, _) in opened)
            {
                await tail.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task OpenTail_ThousandSessionsTenReaders_ReadersReceiveOnlyTheirOwnSessionsEvents()
    {
        const int sessions = 1000;
        const int perSession = 3;
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await Engines.StartAsync(dir.Path);
        var ids = await Task.WhenAll(Enumerable.Range(0, sessions).Select(i => engine.CreateAsync($"many-{i:D4}")));
        var watched = ids.Where((_, i) => i % 100 == 37).ToList();
        Assert.Equal(10, watched.Count);

        var tails = watched.Select(id => engine.OpenTail(id)).ToList();
        try
        {
            var reading = tails.Select(tail => Task.Run(() => Tails.ReadAsync(tail, perSession, ct), ct)).ToList();
            await Parallel.ForEachAsync(
                ids,
                new ParallelOptions { MaxDegreeOfParallelism = 64, CancellationToken = ct },
                async (id, token) =>
                {
                    for (var n = 1; n <= perSession; n++)
                    {
                        var result = await engine.AppendAsync(id, Engines.Event("p", n, new { session = id, n }), token);
                        Assert.Equal(AppendStatus.Appended, result.Status);
                    }
                }).WaitAsync(Tails.Timeout, ct);
            var received = await Task.WhenAll(reading).WaitAsync(Tails.Timeout, ct);

            for (var r = 0; r < watched.Count; r++)
            {
                Tails.AssertSeqs(received[r], watched[r], 1, perSession);
                foreach (var item in received[r])
                {
                    using var payload = JsonDocument.Parse(item.Payload);
                    Assert.Equal(watched[r], payload.RootElement.GetProperty("session").GetString());
                    Assert.Equal(item.Seq, payload.RootElement.GetProperty("n").GetInt64());
                }

                // Nothing else arrives: every append of every session is durable by now.
                Assert.False(tails[r].TryRead(out _));
                Assert.Equal(perSession, tails[r].Cursor);
            }
        }
        finally
        {
            foreach (var tail in tails)
            {
                await tail.DisposeAsync();
            }
        }
    }
}
