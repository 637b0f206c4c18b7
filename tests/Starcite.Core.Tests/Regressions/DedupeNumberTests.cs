using Starcite.Sessions;
using Starcite.Tests.TestSupport;

namespace Starcite.Tests.Regressions;

/// <summary>
/// JsonCanonical.NumbersEqual falls back to comparing doubles when a number is outside decimal's range, so two
/// different large integers that round to the same double compare equal: a retry with different content is reported
/// as a duplicate (deduped: true) instead of producer_replay_conflict. Conversely, equal numbers beyond double's range
/// (1e400 and 10e399) compare unequal, a spurious producer_replay_conflict.
/// </summary>
[Trait("Category", "Unit")]
public sealed class DedupeNumberTests
{
    [Theory]
    [InlineData("1000000000000000000000000000000", "1000000000000000000000000000001")]
    public async Task AppendAsync_RetryWithDifferentLargeNumber_ReturnsProducerReplayConflict(string accepted, string retried)
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await Engines.StartAsync(dir.Path);
        var id = await engine.CreateAsync("ses_a");
        await engine.AppendAsync(id, Requests.Full(payload: $$"""{"n":{{accepted}}}"""), ct);

        var retry = await engine.AppendAsync(id, Requests.Full(payload: $$"""{"n":{{retried}}}"""), ct);

        Assert.Equal(new AppendResult(AppendStatus.ProducerReplayConflict, 0, 1), retry);
    }

    [Fact]
    public async Task AppendAsync_RetryWithSameHugeNumberWrittenDifferently_ReturnsDuplicate()
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await Engines.StartAsync(dir.Path);
        var id = await engine.CreateAsync("ses_a");
        await engine.AppendAsync(id, Requests.Full(payload: """{"n":1e400}"""), ct);

        var retry = await engine.AppendAsync(id, Requests.Full(payload: """{"n":10e399}"""), ct);

        Assert.Equal(new AppendResult(AppendStatus.Duplicate, 1, 1), retry);
    }
}
