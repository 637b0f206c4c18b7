using Starcite.Sessions;
using Starcite.Tests.TestSupport;

namespace Starcite.Tests.Reads;

/// <summary>Contract §4: history pages are complete when events have left the in-memory log and after restarts.</summary>
[Trait("Category", "Unit")]
public sealed class ReadEventsFromStorageTests
{
    [Fact]
    public async Task ReadEventsAsync_EventsEvictedFromMemory_ReturnsEveryEventWithItsPayload()
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        // A 128 KiB ring of 64 KiB pages and 20 KiB events: most of the history lives only on disk.
        Action<StarciteOptions> small = o =>
        {
            o.Storage.PageSize = 1 << 16;
            o.Storage.MemorySize = 1 << 17;
            o.MaxEventBytes = 1 << 15;
        };
        const int count = 60;
        await using (var engine = await Engines.StartAsync(dir.Path, small))
        {
            var id = await engine.CreateAsync("ses_a");
            for (var i = 1; i <= count; i++)
            {
                var result = await engine.AppendAsync(id, Requests.Full("p1", i, payload: Payload(i)), ct);
                Assert.Equal(new AppendResult(AppendStatus.Appended, i, i), result);
            }

            await AssertHistoryAsync(engine, count);
            Assert.Equal(new AppendResult(AppendStatus.Duplicate, 2, count), await engine.AppendAsync(id, Requests.Full("p1", 2, payload: Payload(2)), ct));
        }

        await using (var engine = await Engines.StartAsync(dir.Path, small))
        {
            await AssertHistoryAsync(engine, count);
            Assert.Equal(new AppendResult(AppendStatus.Duplicate, 3, count), await engine.AppendAsync("ses_a", Requests.Full("p1", 3, payload: Payload(3)), ct));
        }
    }

    private static string Payload(int i) => $$"""{"i":{{i}},"blob":"{{new string((char)('a' + (i % 26)), 20_000)}}"}""";

    private static async Task AssertHistoryAsync(StarciteEngine engine, int count)
    {
        var ct = TestContext.Current.CancellationToken;
        var seen = 0;
        for (var cursor = 0L; cursor < count;)
        {
            var page = await engine.ReadEventsAsync("ses_a", cursor, 7, ct);
            foreach (var e in page.Events)
            {
                seen++;
                Assert.Equal((seen, seen), ((int)e.Seq, (int)e.ProducerSeq));
                Assert.Equal(Payload(seen), History.Text(e.Payload));
            }

            cursor = page.NextCursor;
        }

        Assert.Equal(count, seen);
    }
}
