using Starcite.Sessions;
using Starcite.Tests.TestSupport;

namespace Starcite.Tests;

[Trait("Category", "Unit")]
public sealed class StarciteEngineSmokeTests
{
    [Fact]
    public async Task Append_ThenReopen_KeepsEveryEventInOrder()
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using (var engine = await Engines.StartAsync(dir.Path))
        {
            var id = await engine.CreateAsync("ses_smoke");
            for (var i = 1; i <= 10; i++)
            {
                var result = await engine.AppendAsync(id, Engines.Event("p1", i), ct);
                Assert.Equal(new AppendResult(AppendStatus.Appended, i, i), result);
            }
        }

        await using (var engine = await Engines.StartAsync(dir.Path))
        {
            var page = await engine.ReadEventsAsync("ses_smoke", 0, 100, ct);
            Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), page.Events.Select(e => e.Seq));
            Assert.Equal(10, page.LastSeq);
            var next = await engine.AppendAsync("ses_smoke", Engines.Event("p1", 11), ct);
            Assert.Equal(11, next.Seq);
            var retry = await engine.AppendAsync("ses_smoke", Engines.Event("p1", 3), ct);
            Assert.Equal(new AppendResult(AppendStatus.Duplicate, 3, 11), retry);
        }
    }
}
