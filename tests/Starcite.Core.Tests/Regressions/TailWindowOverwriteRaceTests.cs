using Starcite.Tests.TestSupport;

namespace Starcite.Tests.Regressions;

/// <summary>
/// Regression: SessionTail.TryFillFromMemory first checks that the in-memory window holds seq cursor+1, then reads
/// the window again to build the batch. When a writer overwrites that slot in between (the reader is exactly one window
/// behind), the batch is empty but the method still reports success: TryRead then indexes an empty list and throws
/// ArgumentOutOfRangeException, and WaitToReadAsync returns true with nothing to read.
/// </summary>
[Trait("Category", "Unit")]
public sealed class TailWindowOverwriteRaceTests
{
    [Fact]
    public async Task TryRead_WindowSlotOverwrittenWhileFillingBatch_ReturnsNextEventOrFalse()
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;

        // A one-event window: a reader whose cursor is last_seq - 1 is exactly at its edge, and every publish overwrites it.
        await using var engine = await Engines.StartAsync(dir.Path, o => o.Tail.RecentEventsPerSession = 1);
        var id = await engine.CreateAsync();
        await using var anchor = engine.OpenTail(id); // keeps the window alive while probe readers come and go
        await Tails.AppendAsync(engine, id, "seed", 1, 1, ct);

        var writers = Tails.AppendConcurrentlyAsync(engine, id, 16, 3000, ct);
        var attempts = 0;
        while (!writers.IsCompleted)
        {
            var lastSeq = (await engine.GetSessionAsync(id, ct))!.LastSeq;
            await using var probe = engine.OpenTail(id, lastSeq - 1);
            attempts++;
            if (probe.TryRead(out var item))
            {
                Assert.Equal(lastSeq, item.Seq);
            }
        }

        await writers.WaitAsync(Tails.Timeout, ct);
        Assert.True(attempts > 0);
    }
}
