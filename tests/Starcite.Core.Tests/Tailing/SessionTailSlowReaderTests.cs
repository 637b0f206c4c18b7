using Starcite.Sessions;
using Starcite.Tests.TestSupport;

namespace Starcite.Tests.Tailing;

/// <summary>
/// Contract §1.4 and §4 "Slow readers": a reader that stops consuming never blocks writers, and when it resumes it
/// falls back to storage from its last delivered seq and misses nothing.
/// </summary>
[Trait("Category", "Unit")]
public sealed class SessionTailSlowReaderTests
{
    private const int Window = 16;
    private const int Batch = 8;

    [Fact]
    public async Task WaitToReadAsync_ReaderPausedWhileWritersAppendFarBeyondWindow_ResumesWithEveryEventInOrder()
    {
        const int before = 10;
        const int duringPause = 40 * Window;
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await SmallWindowEngineAsync(dir.Path);
        var id = await engine.CreateAsync();
        await using var tail = engine.OpenTail(id);

        await Tails.AppendAsync(engine, id, "early", 1, before, ct);
        var first = await Tails.ReadAsync(tail, 3, ct);
        Tails.AssertSeqs(first, id, 1, 3);

        // The reader stops here, in the middle of a batch. Writers must finish without it reading anything.
        var writers = Tails.AppendConcurrentlyAsync(engine, id, 4, duringPause, ct);
        await writers.WaitAsync(Tails.Timeout, ct);
        Assert.Equal(3, tail.Cursor);
        Assert.Equal(before + duringPause, (await engine.GetSessionAsync(id, ct))!.LastSeq);

        var rest = await Tails.ReadAsync(tail, before + duringPause - 3, ct);
        Tails.AssertSeqs(rest, id, 4, before + duringPause);
        Assert.False(tail.TryRead(out _));
        await Tails.AssertMatchesHistoryAsync(engine, id, [.. first, .. rest], ct);
    }

    [Fact]
    public async Task AppendAsync_ReaderNeverReads_WritersCompleteAndReaderLaterReceivesEverything()
    {
        const int total = 1000;
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await SmallWindowEngineAsync(dir.Path);
        var id = await engine.CreateAsync();

        // Several idle readers, one of them with a wait in progress that nobody consumes afterwards.
        await using var idle = engine.OpenTail(id);
        await using var waiting = engine.OpenTail(id);
        var pendingWait = waiting.WaitToReadAsync(ct).AsTask();
        await using var late = engine.OpenTail(id);

        await Tails.AppendConcurrentlyAsync(engine, id, 4, total, ct).WaitAsync(Tails.Timeout, ct);
        Assert.True(await pendingWait.WaitAsync(Tails.Timeout, ct));

        Tails.AssertSeqs(await Tails.ReadAsync(idle, total, ct), id, 1, total);
        Tails.AssertSeqs(await Tails.ReadAsync(waiting, total, ct), id, 1, total);
        Tails.AssertSeqs(await Tails.ReadAsync(late, total, ct), id, 1, total);
    }

    [Fact]
    public async Task WaitToReadAsync_ReaderRepeatedlyFallsBehindAndCatchesUp_NoGapNoDuplicate()
    {
        const int rounds = 8;
        const int perRound = 5 * Window;
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await SmallWindowEngineAsync(dir.Path);
        var id = await engine.CreateAsync();
        await using var tail = engine.OpenTail(id);
        var received = new List<SessionEvent>();

        for (var round = 0; round < rounds; round++)
        {
            // Fall far behind, then read only part of the backlog before the next burst arrives.
            await Tails.AppendConcurrentlyAsync(engine, id, 2, perRound, ct, $"r{round}-").WaitAsync(Tails.Timeout, ct);
            received.AddRange(await Tails.ReadAsync(tail, perRound / 2, ct));
        }

        received.AddRange(await Tails.ReadAsync(tail, (rounds * perRound) - received.Count, ct));
        Tails.AssertSeqs(received, id, 1, rounds * perRound);
        await Tails.AssertMatchesHistoryAsync(engine, id, received, ct);
    }

    private static Task<StarciteEngine> SmallWindowEngineAsync(string path) => Engines.StartAsync(path, o =>
    {
        o.Tail.RecentEventsPerSession = Window;
        o.Tail.ReadBatchSize = Batch;
    });
}
