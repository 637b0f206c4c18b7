using Starcite.Sessions;
using Starcite.Tests.TestSupport;

namespace Starcite.Tests.Sessions;

/// <summary>Contract §1.3: dedupe and producer order hold for the session's whole life, across checkpoints and restarts.</summary>
[Trait("Category", "Unit")]
public sealed class AppendDurabilityTests
{
    [Fact]
    public async Task AppendAsync_RetryAfterRestart_ReturnsDuplicateForLatestAndOlderProducerSeq()
    {
        using var dir = new TempDirectory();
        await using (var engine = await Engines.StartAsync(dir.Path))
        {
            var id = await engine.CreateAsync("ses_a");
            await AppendInterleavedAsync(engine, id, rounds: 5);
        }

        await using (var engine = await Engines.StartAsync(dir.Path))
        {
            await AssertRetriesAsync(engine, "ses_a", rounds: 5, lastSeq: 15);
            await AssertProducerOrderAsync(engine, "ses_a", nextSeq: 16);
        }
    }

    [Theory]
    [InlineData("checkpoints")]
    [InlineData("checkpoints", "index")]
    public async Task AppendAsync_RetryAfterRecoveryFromLogWithoutCheckpoints_ReturnsDuplicate(params string[] lost)
    {
        using var dir = new TempDirectory();
        await using (var engine = await Engines.StartAsync(dir.Path))
        {
            var id = await engine.CreateAsync("ses_a");
            await AppendInterleavedAsync(engine, id, rounds: 4);
        }

        // As after a crash before the first checkpoint: only the log is left to recover from.
        foreach (var name in lost)
        {
            Directory.Delete(Path.Combine(dir.Path, name), recursive: true);
        }

        await using (var engine = await Engines.StartAsync(dir.Path))
        {
            await AssertRetriesAsync(engine, "ses_a", rounds: 4, lastSeq: 12);
            Assert.Equal(Enumerable.Range(1, 12).Select(i => (long)i), (await engine.ReadAllAsync("ses_a")).Select(e => e.Seq));
            await AssertProducerOrderAsync(engine, "ses_a", nextSeq: 13);
        }
    }

    [Fact]
    public async Task AppendAsync_RetryAfterCheckpoint_ReturnsDuplicateForLatestAndOlderProducerSeq()
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await Engines.StartAsync(dir.Path);
        var id = await engine.CreateAsync("ses_a");
        await AppendInterleavedAsync(engine, id, rounds: 5);

        await engine.CheckpointAsync(ct);

        await AssertRetriesAsync(engine, id, rounds: 5, lastSeq: 15);
        await AssertProducerOrderAsync(engine, id, nextSeq: 16);
    }

    [Fact]
    public async Task AppendAsync_RetryAfterCheckpointMoreAppendsAndRestarts_ReturnsDuplicateEverywhere()
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using (var engine = await Engines.StartAsync(dir.Path))
        {
            var id = await engine.CreateAsync("ses_a");
            await AppendInterleavedAsync(engine, id, rounds: 3);
            await engine.CheckpointAsync(ct);
            await AppendInterleavedAsync(engine, id, rounds: 5, fromRound: 4);
        }

        for (var restart = 0; restart < 2; restart++)
        {
            await using var engine = await Engines.StartAsync(dir.Path);
            await AssertRetriesAsync(engine, "ses_a", rounds: 5, lastSeq: 15);
            Assert.Equal(15, (await engine.ReadAllAsync("ses_a")).Count);
        }

        await using (var engine = await Engines.StartAsync(dir.Path))
        {
            await AssertProducerOrderAsync(engine, "ses_a", nextSeq: 16);
        }
    }

    [Fact]
    public async Task AppendAsync_ProducerStartingAbove1AfterRestart_KeepsItsRangeAndOrder()
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using (var engine = await Engines.StartAsync(dir.Path))
        {
            var id = await engine.CreateAsync("ses_a");
            await engine.AppendAsync(id, Requests.Full("p1", 1000), ct);
            await engine.AppendAsync(id, Requests.Full("p1", 1001), ct);
        }

        await using (var engine = await Engines.StartAsync(dir.Path))
        {
            Assert.Equal(new AppendResult(AppendStatus.Duplicate, 1, 2), await engine.AppendAsync("ses_a", Requests.Full("p1", 1000), ct));
            Assert.Equal(new AppendResult(AppendStatus.ProducerSeqConflict, 0, 2, 1002), await engine.AppendAsync("ses_a", Requests.Full("p1", 999), ct));
            Assert.Equal(new AppendResult(AppendStatus.ProducerSeqConflict, 0, 2, 1002), await engine.AppendAsync("ses_a", Requests.Full("p1", 1), ct));
            Assert.Equal(new AppendResult(AppendStatus.ProducerReplayConflict, 0, 2), await engine.AppendAsync("ses_a", Requests.Full("p1", 1001, type: "x"), ct));
            Assert.Equal(new AppendResult(AppendStatus.Appended, 3, 3), await engine.AppendAsync("ses_a", Requests.Full("p1", 1002), ct));
        }
    }

    [Fact]
    public async Task AppendAsync_RetryWithDifferentContentAfterRestart_ReturnsProducerReplayConflict()
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using (var engine = await Engines.StartAsync(dir.Path))
        {
            var id = await engine.CreateAsync("ses_a");
            await AppendInterleavedAsync(engine, id, rounds: 3);
        }

        await using (var engine = await Engines.StartAsync(dir.Path))
        {
            var older = await engine.AppendAsync("ses_a", Requests.Full("p0", 1, payload: """{"r":99}"""), ct);
            var latest = await engine.AppendAsync("ses_a", Requests.Full("p2", 3, payload: """{"r":99}"""), ct);

            Assert.Equal(new AppendResult(AppendStatus.ProducerReplayConflict, 0, 9), older);
            Assert.Equal(new AppendResult(AppendStatus.ProducerReplayConflict, 0, 9), latest);
        }
    }

    // Producers p0, p1, p2 each append one event per round; producer_seq = round, seq = 3 * (round - 1) + p + 1.
    private static async Task AppendInterleavedAsync(StarciteEngine engine, string id, int rounds, int fromRound = 1)
    {
        for (var round = fromRound; round <= rounds; round++)
        {
            for (var p = 0; p < 3; p++)
            {
                var result = await engine.AppendAsync(id, Requests.Full($"p{p}", round, payload: $$"""{"r":{{round}}}"""), TestContext.Current.CancellationToken);
                Assert.Equal(new AppendResult(AppendStatus.Appended, Seq(round, p), Seq(round, p)), result);
            }
        }
    }

    private static async Task AssertRetriesAsync(StarciteEngine engine, string id, int rounds, long lastSeq)
    {
        for (var round = 1; round <= rounds; round++)
        {
            for (var p = 0; p < 3; p++)
            {
                var retry = await engine.AppendAsync(id, Requests.Full($"p{p}", round, payload: $$""" { "r" : {{round}} } """), TestContext.Current.CancellationToken);
                Assert.Equal(new AppendResult(AppendStatus.Duplicate, Seq(round, p), lastSeq), retry);
            }
        }
    }

    private static async Task AssertProducerOrderAsync(StarciteEngine engine, string id, long nextSeq)
    {
        var ct = TestContext.Current.CancellationToken;
        var lastProducerSeq = (await engine.ReadAllAsync(id)).Where(e => e.ProducerId == "p0").Max(e => e.ProducerSeq);
        var gap = await engine.AppendAsync(id, Requests.Full("p0", lastProducerSeq + 2), ct);
        var next = await engine.AppendAsync(id, Requests.Full("p0", lastProducerSeq + 1), ct);

        Assert.Equal(new AppendResult(AppendStatus.ProducerSeqConflict, 0, nextSeq - 1, lastProducerSeq + 1), gap);
        Assert.Equal(new AppendResult(AppendStatus.Appended, nextSeq, nextSeq), next);
    }

    private static long Seq(int round, int producer) => (3 * (round - 1)) + producer + 1;
}
