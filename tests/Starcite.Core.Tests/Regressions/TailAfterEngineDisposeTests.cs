using Starcite.Tests.TestSupport;

namespace Starcite.Tests.Regressions;

/// <summary>
/// Regression: disposing the engine closed the log and index under tails still reading from storage, which then
/// failed with StorageFailedException (or could read a freed index). Now dispose waits for in-flight reads, and a tail
/// ends cleanly: what it delivered is a gap-free prefix, its Completion succeeds, and a tail on the reopened engine
/// continues from its cursor without gap or duplicate.
/// </summary>
[Trait("Category", "Unit")]
public sealed class TailAfterEngineDisposeTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(16)]
    public async Task WaitToReadAsync_EngineDisposedWithUndeliveredStoredEvents_EndsCleanlyAndResumesAfterRestart(int recentEvents)
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        var engine = await Engines.StartAsync(dir.Path, o => o.Tail.RecentEventsPerSession = recentEvents);
        var id = await engine.CreateAsync();
        await Tails.AppendAsync(engine, id, "p", 1, 40, ct);
        await using var tail = engine.OpenTail(id);
        var before = await Tails.ReadAsync(tail, 3, ct);

        await engine.DisposeAsync();
        var after = await Tails.DrainAsync(tail, ct);

        var delivered = before.Concat(after).ToList();
        Tails.AssertSeqs(delivered, id, 1, delivered.Count);
        Assert.True(tail.Completion.IsCompletedSuccessfully);

        await using var reopened = await Engines.StartAsync(dir.Path, o => o.Tail.RecentEventsPerSession = recentEvents);
        await using var resumed = reopened.OpenTail(id, tail.Cursor);
        var rest = await Tails.ReadAsync(resumed, 40 - delivered.Count, ct);
        Tails.AssertSeqs(delivered.Concat(rest).ToList(), id, 1, 40);
    }
}
