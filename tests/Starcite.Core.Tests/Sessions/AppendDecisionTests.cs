using Starcite.Sessions;
using Starcite.Tests.TestSupport;

namespace Starcite.Tests.Sessions;

/// <summary>Contract §3 decision order: session, dedupe, producer order, expected_seq, accept; rejections leave no trace.</summary>
[Trait("Category", "Unit")]
public sealed class AppendDecisionTests
{
    [Fact]
    public async Task AppendAsync_MissingSession_ReturnsSessionNotFound()
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await Engines.StartAsync(dir.Path);
        await engine.CreateAsync("ses_other");

        var result = await engine.AppendAsync("ses_missing", Engines.Event("p1", 1), ct);

        Assert.Equal(new AppendResult(AppendStatus.SessionNotFound, 0, 0), result);
        Assert.False(result.Succeeded);
        Assert.Null(await engine.GetSessionAsync("ses_missing", ct));
        Assert.Empty(await engine.ReadAllAsync("ses_other"));
    }

    [Fact]
    public async Task AppendAsync_ExpectedSeqZeroOnEmptySession_AppendsSeqOne()
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await Engines.StartAsync(dir.Path);
        var id = await engine.CreateAsync("ses_demo");

        var result = await engine.AppendAsync(id, Engines.Event("drafter-1", 1, expectedSeq: 0), ct);

        Assert.Equal(new AppendResult(AppendStatus.Appended, 1, 1), result);
        Assert.False(result.Deduped);
        Assert.Equal(1, (await engine.GetSessionAsync(id, ct))!.LastSeq);
    }

    [Fact]
    public async Task AppendAsync_RetryOfSucceededConditionalAppend_ReturnsDuplicateDespiteStaleExpectedSeq()
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await Engines.StartAsync(dir.Path);
        var id = await engine.CreateAsync("ses_a");
        Assert.Equal(AppendStatus.Appended, (await engine.AppendAsync(id, Engines.Event("p1", 1, expectedSeq: 0), ct)).Status);
        await engine.AppendAsync(id, Engines.Event("p2", 1), ct);
        await engine.AppendAsync(id, Engines.Event("p2", 2), ct);

        var retry = await engine.AppendAsync(id, Engines.Event("p1", 1, expectedSeq: 0), ct);

        Assert.Equal(new AppendResult(AppendStatus.Duplicate, 1, 3), retry);
        Assert.True(retry.Deduped);
        Assert.True(retry.Succeeded);
        Assert.Equal(3, (await engine.ReadAllAsync(id)).Count);
    }

    [Fact]
    public async Task AppendAsync_ExpectedSeqMismatch_ReturnsExpectedSeqConflictWithCurrentLastSeq()
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await Engines.StartAsync(dir.Path);
        var id = await engine.CreateAsync("ses_a");
        await engine.AppendAsync(id, Engines.Event("p1", 1), ct);
        await engine.AppendAsync(id, Engines.Event("p1", 2), ct);

        var behind = await engine.AppendAsync(id, Engines.Event("p2", 1, expectedSeq: 1), ct);
        var ahead = await engine.AppendAsync(id, Engines.Event("p2", 1, expectedSeq: 5), ct);
        var exact = await engine.AppendAsync(id, Engines.Event("p2", 1, expectedSeq: 2), ct);

        Assert.Equal(new AppendResult(AppendStatus.ExpectedSeqConflict, 0, 2), behind);
        Assert.Equal(new AppendResult(AppendStatus.ExpectedSeqConflict, 0, 2), ahead);
        Assert.Equal(new AppendResult(AppendStatus.Appended, 3, 3), exact);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(1000)]
    [InlineData(long.MaxValue)]
    public async Task AppendAsync_FirstProducerSeqAnyPositiveValue_IsAccepted(long first)
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await Engines.StartAsync(dir.Path);
        var id = await engine.CreateAsync("ses_a");

        var result = await engine.AppendAsync(id, Engines.Event("p1", first), ct);
        var retry = await engine.AppendAsync(id, Engines.Event("p1", first), ct);

        Assert.Equal(new AppendResult(AppendStatus.Appended, 1, 1), result);
        Assert.Equal(new AppendResult(AppendStatus.Duplicate, 1, 1), retry);
        Assert.Equal(first, (await engine.ReadAllAsync(id)).Single().ProducerSeq);
    }

    [Theory]
    [InlineData(1002)] // a gap
    [InlineData(1005)] // a bigger gap
    [InlineData(999)] // just below the first accepted
    [InlineData(5)] // far below the first accepted
    public async Task AppendAsync_ProducerSeqNotLastPlusOne_ReturnsProducerSeqConflictExpectingLastPlusOne(long producerSeq)
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await Engines.StartAsync(dir.Path);
        var id = await engine.CreateAsync("ses_a");
        await engine.AppendAsync(id, Engines.Event("p1", 1000), ct);
        await engine.AppendAsync(id, Engines.Event("other", 1), ct);

        var result = await engine.AppendAsync(id, Engines.Event("p1", producerSeq), ct);

        Assert.Equal(new AppendResult(AppendStatus.ProducerSeqConflict, 0, 2, ExpectedProducerSeq: 1001), result);
        Assert.Equal([1000L, 1L], (await engine.ReadAllAsync(id)).Select(e => e.ProducerSeq));
        Assert.Equal(new AppendResult(AppendStatus.Appended, 3, 3), await engine.AppendAsync(id, Engines.Event("p1", 1001), ct));
    }

    [Fact]
    public async Task AppendAsync_ProducerSeqConflict_ComesBeforeExpectedSeqCheck()
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await Engines.StartAsync(dir.Path);
        var id = await engine.CreateAsync("ses_a");
        await engine.AppendAsync(id, Engines.Event("p1", 1), ct);

        var result = await engine.AppendAsync(id, Engines.Event("p1", 3, expectedSeq: 0), ct);

        Assert.Equal(new AppendResult(AppendStatus.ProducerSeqConflict, 0, 1, ExpectedProducerSeq: 2), result);
    }

    [Fact]
    public async Task AppendAsync_OlderProducerSeqAfterManyInterleavedProducers_ReturnsDuplicateWithOriginalSeq()
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await Engines.StartAsync(dir.Path);
        var id = await engine.CreateAsync("ses_a");
        var seqOf = new Dictionary<(string, long), long>();
        for (var round = 1; round <= 12; round++)
        {
            for (var p = 0; p < 8; p++)
            {
                var producer = $"p{p}";
                var result = await engine.AppendAsync(id, Engines.Event(producer, 100 + round), ct);
                Assert.Equal(AppendStatus.Appended, result.Status);
                seqOf[(producer, 100 + round)] = result.Seq;
            }
        }

        foreach (var ((producer, producerSeq), seq) in seqOf.Where(pair => pair.Key.Item2 % 3 == 0 || pair.Key.Item2 == 101))
        {
            var retry = await engine.AppendAsync(id, Engines.Event(producer, producerSeq), ct);
            Assert.Equal(new AppendResult(AppendStatus.Duplicate, seq, 96), retry);
        }

        Assert.Equal(96, (await engine.ReadAllAsync(id)).Count);
    }

    [Fact]
    public async Task AppendAsync_EveryRejection_ConsumesNoSeqAndLeavesNoTrace()
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await Engines.StartAsync(dir.Path);
        var id = await engine.CreateAsync("ses_a");
        await engine.AppendAsync(id, Requests.Full("p1", 1), ct);
        var before = await engine.ReadAllAsync(id);
        var sessionBefore = await engine.GetSessionAsync(id, ct);

        AppendRequest[] rejected =
        [
            Requests.Full("p1", 1, payload: """{"text":"changed"}"""), // replay conflict
            Requests.Full("p1", 3), // producer gap
            Requests.Full("fresh", 500, expectedSeq: 0), // expected_seq conflict from an unknown producer
            Requests.Full("fresh2", 7, payload: "[]"), // invalid request from an unknown producer
        ];
        foreach (var request in rejected)
        {
            try
            {
                var result = await engine.AppendAsync(id, request, ct);
                Assert.False(result.Succeeded);
                Assert.Equal(1, result.LastSeq);
            }
            catch (InvalidRequestException)
            {
            }

            var after = await engine.ReadAllAsync(id);
            Assert.Equal(before.Select(e => (e.Seq, e.ProducerId, e.ProducerSeq)), after.Select(e => (e.Seq, e.ProducerId, e.ProducerSeq)));
            Assert.Equal(sessionBefore, await engine.GetSessionAsync(id, ct), SessionInfoComparer.Instance);
        }

        // The rejected producers were never registered: their first producer_seq may still be anything.
        Assert.Equal(new AppendResult(AppendStatus.Appended, 2, 2), await engine.AppendAsync(id, Requests.Full("fresh", 3), ct));
        Assert.Equal(new AppendResult(AppendStatus.Appended, 3, 3), await engine.AppendAsync(id, Requests.Full("fresh2", 9), ct));
        Assert.Equal(new AppendResult(AppendStatus.Appended, 4, 4), await engine.AppendAsync(id, Requests.Full("p1", 2), ct));
        Assert.Equal([1L, 2, 3, 4], (await engine.ReadAllAsync(id)).Select(e => e.Seq));
    }

    [Fact]
    public async Task AppendAsync_Duplicate_AppendsNothingAndReportsCurrentLastSeq()
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await Engines.StartAsync(dir.Path);
        var id = await engine.CreateAsync("ses_a");
        await engine.AppendAsync(id, Requests.Full("p1", 1), ct);
        await engine.AppendAsync(id, Requests.Full("p2", 1), ct);

        var retry = await engine.AppendAsync(id, Requests.Full("p1", 1), ct);

        Assert.Equal(new AppendResult(AppendStatus.Duplicate, 1, 2), retry);
        Assert.Equal([1L, 2], (await engine.ReadAllAsync(id)).Select(e => e.Seq));
        Assert.Equal(new AppendResult(AppendStatus.Appended, 3, 3), await engine.AppendAsync(id, Requests.Full("p1", 2), ct));
    }
}
