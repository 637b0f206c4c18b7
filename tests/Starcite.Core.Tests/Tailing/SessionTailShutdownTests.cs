using Starcite.Sessions;
using Starcite.Tests.TestSupport;

namespace Starcite.Tests.Tailing;

/// <summary>A tail cannot outlive its engine: disposing the engine ends it cleanly, and a new tail resumes after a restart.</summary>
[Trait("Category", "Unit")]
public sealed class SessionTailShutdownTests
{
    [Fact]
    public async Task WaitToReadAsync_EngineDisposedWhileWaiting_ReturnsFalseAndCompletionSucceeds()
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        var engine = await Engines.StartAsync(dir.Path);
        var id = await engine.CreateAsync();
        await using var tail = engine.OpenTail(id);
        await Tails.AppendAsync(engine, id, "p", 1, 5, ct);
        Tails.AssertSeqs(await Tails.ReadAsync(tail, 5, ct), id, 1, 5);

        var waiting = tail.WaitToReadAsync(ct).AsTask();
        Assert.False(waiting.IsCompleted);
        await engine.DisposeAsync();

        Assert.False(await waiting.WaitAsync(Tails.Timeout, ct));
        await tail.Completion.WaitAsync(Tails.Timeout, ct);
        Assert.True(tail.Completion.IsCompletedSuccessfully);
        Assert.False(tail.TryRead(out _));
        Assert.False(await tail.WaitToReadAsync(ct));
    }

    [Fact]
    public async Task WaitToReadAsync_EngineDisposedWithUndeliveredEventsInWindow_DeliversThemThenReturnsFalse()
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        var engine = await Engines.StartAsync(dir.Path, o => o.Tail.ReadBatchSize = 4);
        var id = await engine.CreateAsync();
        await using var tail = engine.OpenTail(id);
        await Tails.AppendAsync(engine, id, "p", 1, 20, ct);
        var before = await Tails.ReadAsync(tail, 6, ct);

        await engine.DisposeAsync();
        var after = await Tails.DrainAsync(tail, ct);

        Tails.AssertSeqs([.. before, .. after], id, 1, 20);
        await tail.Completion.WaitAsync(Tails.Timeout, ct);
        Assert.True(tail.Completion.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task ReadAllAsync_EngineDisposed_EnumerationEndsWithoutError()
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        var engine = await Engines.StartAsync(dir.Path);
        var id = await engine.CreateAsync();
        await using var tail = engine.OpenTail(id);
        var draining = Task.Run(() => Tails.DrainAsync(tail, ct), ct);
        await Tails.AppendAsync(engine, id, "p", 1, 10, ct);

        // Whatever the reader has not taken yet is durable and still in the window, so it must arrive before the end.
        await engine.DisposeAsync();
        Tails.AssertSeqs(await draining.WaitAsync(Tails.Timeout, ct), id, 1, 10);
        Assert.True(tail.Completion.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task OpenTail_EngineDisposed_ThrowsEngineClosed()
    {
        using var dir = new TempDirectory();
        var engine = await Engines.StartAsync(dir.Path);
        var id = await engine.CreateAsync();
        await engine.DisposeAsync();

        var error = Assert.Throws<EngineClosedException>(() => engine.OpenTail(id));
        Assert.Equal("unavailable", error.Code);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(8)]
    [InlineData(1024)]
    public async Task OpenTail_AfterRestartFromLastDeliveredCursor_ContinuesWithoutGapOrDuplicate(int recentEvents)
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        string id;
        long lastDelivered;
        var delivered = new List<SessionEvent>();
        await using (var engine = await Engines.StartAsync(dir.Path, o => o.Tail.RecentEventsPerSession = recentEvents))
        {
            id = await engine.CreateAsync();
            await using var tail = engine.OpenTail(id);
            await Tails.AppendConcurrentlyAsync(engine, id, 2, 50, ct, "before");
            delivered.AddRange(await Tails.ReadAsync(tail, 30, ct));
            lastDelivered = tail.Cursor;
        }

        Assert.Equal(30, lastDelivered);
        await using (var engine = await Engines.StartAsync(dir.Path, o => o.Tail.RecentEventsPerSession = recentEvents))
        {
            await using var tail = engine.OpenTail(id, lastDelivered);
            var writers = Tails.AppendConcurrentlyAsync(engine, id, 2, 40, ct, "after");
            delivered.AddRange(await Tails.ReadAsync(tail, 60, ct));
            await writers.WaitAsync(Tails.Timeout, ct);

            Tails.AssertSeqs(delivered, id, 1, 90);
            Assert.False(tail.TryRead(out _));
            await Tails.AssertMatchesHistoryAsync(engine, id, delivered, ct);
        }
    }

    [Fact]
    public async Task OpenTail_AfterRestartFromCursorReachedByDrainingAtShutdown_ContinuesWithoutGapOrDuplicate()
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        var delivered = new List<SessionEvent>();
        long resumeAt;
        var engine = await Engines.StartAsync(dir.Path);
        var id = await engine.CreateAsync();
        await using (var tail = engine.OpenTail(id))
        {
            await Tails.AppendAsync(engine, id, "p", 1, 25, ct);
            delivered.AddRange(await Tails.ReadAsync(tail, 10, ct));
            await engine.DisposeAsync();
            delivered.AddRange(await Tails.DrainAsync(tail, ct));
            resumeAt = tail.Cursor;
        }

        await using (engine = await Engines.StartAsync(dir.Path))
        {
            Assert.Equal(resumeAt, (await engine.GetSessionAsync(id, ct))!.LastSeq);
            await using var tail = engine.OpenTail(id, resumeAt);
            await Tails.AppendAsync(engine, id, "p", 26, 5, ct);
            delivered.AddRange(await Tails.ReadAsync(tail, 5, ct));
            Tails.AssertSeqs(delivered, id, 1, 30);
        }
    }
}
