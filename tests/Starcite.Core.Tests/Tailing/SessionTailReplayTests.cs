using Starcite.Sessions;
using Starcite.Tests.TestSupport;

namespace Starcite.Tests.Tailing;

/// <summary>Contract §1.4 and §4: a tail replays history from its cursor, then streams live events, exactly once and in order.</summary>
[Trait("Category", "Unit")]
public sealed class SessionTailReplayTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(17)]
    [InlineData(40)]
    public async Task OpenTail_HistoryThenLiveAppends_DeliversEveryEventAfterCursorOnce(long cursor)
    {
        const int history = 40;
        const int live = 60;
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await Engines.StartAsync(dir.Path, o => o.Tail.ReadBatchSize = 8);
        var id = await engine.CreateAsync();
        await Tails.AppendAsync(engine, id, "history", 1, history, ct);

        await using var tail = engine.OpenTail(id, cursor);
        Assert.Equal(cursor, tail.Cursor);
        Assert.Equal(id, tail.SessionId);
        var firstHalf = await Tails.ReadAsync(tail, (int)(history - cursor) / 2, ct);
        var writers = Tails.AppendConcurrentlyAsync(engine, id, 2, live, ct, "live");
        var rest = await Tails.ReadAsync(tail, history + live - (int)cursor - firstHalf.Count, ct);
        await writers.WaitAsync(Tails.Timeout, ct);

        var events = firstHalf.Concat(rest).ToList();
        Tails.AssertSeqs(events, id, cursor + 1, history + live);
        Assert.Equal(history + live, tail.Cursor);
        Assert.False(tail.TryRead(out _));
        await Tails.AssertMatchesHistoryAsync(engine, id, events, ct);
    }

    /// <summary>
    /// Appends start at the moment the tail opens, so they race its switch from history to live. Many sessions with
    /// different history lengths and cursors move the race window around; the window sizes cover "all from storage",
    /// "a window smaller than the race" and "a window bigger than everything".
    /// </summary>
    [Theory]
    [InlineData(0, 4)]
    [InlineData(4, 1)]
    [InlineData(16, 4)]
    [InlineData(1024, 256)]
    public async Task OpenTail_AppendsRaceTheSwitchToLive_NoGapNoDuplicate(int recentEvents, int readBatchSize)
    {
        const int iterations = 30;
        const int live = 24;
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await Engines.StartAsync(dir.Path, o =>
        {
            o.Tail.RecentEventsPerSession = recentEvents;
            o.Tail.ReadBatchSize = readBatchSize;
        });

        for (var iteration = 0; iteration < iterations; iteration++)
        {
            var history = (iteration * 7) % 33;
            var cursor = iteration % 3 == 0 ? 0 : (iteration * 5) % (history + 1);
            var id = await engine.CreateAsync($"race-{iteration}");
            await Tails.AppendConcurrentlyAsync(engine, id, 3, history, ct, "history");

            var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var writers = Enumerable.Range(0, 2).Select(w => Task.Run(
                async () =>
                {
                    await go.Task;
                    await Tails.AppendAsync(engine, id, $"live{w}", 1, live / 2, ct);
                },
                ct)).ToArray();

            go.SetResult();
            await using var tail = engine.OpenTail(id, cursor);
            var events = await Tails.ReadAsync(tail, history + live - cursor, ct);
            await Task.WhenAll(writers).WaitAsync(Tails.Timeout, ct);

            Tails.AssertSeqs(events, id, cursor + 1, history + live);
            Assert.False(tail.TryRead(out _), $"Iteration {iteration}: the tail returned an event beyond last_seq.");
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(16)]
    public async Task WaitToReadAsync_HistorySpanningManyBatches_CatchesUpFromStorageThenGoesLive(int recentEvents)
    {
        const int history = 1000;
        const int live = 50;
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await Engines.StartAsync(dir.Path, o =>
        {
            o.Tail.RecentEventsPerSession = recentEvents;
            o.Tail.ReadBatchSize = 7;
        });
        var id = await engine.CreateAsync();
        await Tails.AppendConcurrentlyAsync(engine, id, 4, history, ct);

        await using var tail = engine.OpenTail(id);
        var replayed = await Tails.ReadAsync(tail, history, ct);
        Tails.AssertSeqs(replayed, id, 1, history);
        Assert.False(tail.TryRead(out _));

        await Tails.AppendAsync(engine, id, "live", 1, live, ct);
        var streamed = await Tails.ReadAsync(tail, live, ct);
        Tails.AssertSeqs(streamed, id, history + 1, history + live);
        await Tails.AssertMatchesHistoryAsync(engine, id, [.. replayed, .. streamed], ct);
    }

    [Fact]
    public async Task WaitToReadAsync_BatchFromStorage_NeverExceedsReadBatchSize()
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await Engines.StartAsync(dir.Path, o =>
        {
            o.Tail.RecentEventsPerSession = 0;
            o.Tail.ReadBatchSize = 5;
        });
        var id = await engine.CreateAsync();
        await Tails.AppendAsync(engine, id, "p", 1, 12, ct);
        await using var tail = engine.OpenTail(id);

        var batches = new List<int>();
        while (tail.Cursor < 12)
        {
            Assert.True(await tail.WaitToReadAsync(ct));
            var batch = new List<SessionEvent>();
            while (tail.TryRead(out var item))
            {
                batch.Add(item);
            }

            batches.Add(batch.Count);
        }

        Assert.Equal([5, 5, 2], batches);
    }
}
