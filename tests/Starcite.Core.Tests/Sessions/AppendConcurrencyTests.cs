using System.Collections.Concurrent;
using Starcite.Sessions;
using Starcite.Tests.TestSupport;

namespace Starcite.Tests.Sessions;

/// <summary>Contract §1.1 and §3: appends to one session are decided one at a time, whatever the concurrency.</summary>
[Trait("Category", "Unit")]
public sealed class AppendConcurrencyTests
{
    [Fact]
    public async Task AppendAsync_SixteenConcurrentProducers_AssignsGapFreeSeqsInProducerOrder()
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await Engines.StartAsync(dir.Path);
        var id = await engine.CreateAsync("ses_a");
        const int producers = 16;
        const int perProducer = 40;
        var acknowledged = new ConcurrentDictionary<long, (string Producer, long ProducerSeq)>();

        await Task.WhenAll(Enumerable.Range(0, producers).Select(p => Task.Run(
            async () =>
            {
                var producer = $"p{p}";
                for (var i = 1; i <= perProducer; i++)
                {
                    var result = await engine.AppendAsync(id, Engines.Event(producer, i), ct);
                    Assert.Equal(AppendStatus.Appended, result.Status);
                    Assert.True(acknowledged.TryAdd(result.Seq, (producer, i)), $"seq {result.Seq} acknowledged twice");
                }
            },
            ct)));

        const int total = producers * perProducer;
        var history = await engine.ReadAllAsync(id);
        Assert.Equal(Enumerable.Range(1, total).Select(i => (long)i), history.Select(e => e.Seq));
        Assert.All(history, e => Assert.Equal(acknowledged[e.Seq], (e.ProducerId, e.ProducerSeq)));
        Assert.All(history.GroupBy(e => e.ProducerId), group =>
            Assert.Equal(Enumerable.Range(1, perProducer).Select(i => (long)i), group.Select(e => e.ProducerSeq)));
        Assert.Equal(total, (await engine.GetSessionAsync(id, ct))!.LastSeq);
    }

    [Fact]
    public async Task AppendAsync_EightWritersRacingOnExpectedSeq_ExactlyOneWinnerPerSeq()
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await Engines.StartAsync(dir.Path);
        var id = await engine.CreateAsync("ses_a");
        const int writers = 8;
        const int targets = 40;
        var winners = new ConcurrentBag<(long ExpectedSeq, long Seq, string Producer)>();

        // Each writer tries every expected_seq 0..targets-1 once, in order; a seq is taken only by a win on the one
        // before it, so every expected_seq value gets exactly one winner.
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(
            async () =>
            {
                var producer = $"w{w}";
                var producerSeq = 1L;
                for (var expected = 0L; expected < targets; expected++)
                {
                    var result = await engine.AppendAsync(id, Engines.Event(producer, producerSeq, expectedSeq: expected), ct);
                    if (result.Status == AppendStatus.Appended)
                    {
                        Assert.Equal((expected + 1, expected + 1), (result.Seq, result.LastSeq));
                        winners.Add((expected, result.Seq, producer));
                        producerSeq++;
                    }
                    else
                    {
                        Assert.Equal(AppendStatus.ExpectedSeqConflict, result.Status);
                        Assert.NotEqual(expected, result.LastSeq);
                    }
                }
            },
            ct)));

        Assert.Equal(Enumerable.Range(0, targets).Select(i => (long)i), winners.Select(w => w.ExpectedSeq).Order());
        var history = await engine.ReadAllAsync(id);
        Assert.Equal(Enumerable.Range(1, targets).Select(i => (long)i), history.Select(e => e.Seq));
        Assert.All(winners, w => Assert.Equal(w.Producer, history[(int)w.Seq - 1].ProducerId));
    }

    [Fact]
    public async Task AppendAsync_ConcurrentWithCheckpointsAndRetries_KeepsHistoryAndDedupeAcrossRestart()
    {
        using var dir = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        const int producers = 8;
        const int perProducer = 30;
        await using (var engine = await Engines.StartAsync(dir.Path))
        {
            var id = await engine.CreateAsync("ses_a");
            var writers = Task.WhenAll(Enumerable.Range(0, producers).Select(p => Task.Run(
                async () =>
                {
                    for (var i = 1; i <= perProducer; i++)
                    {
                        Assert.Equal(AppendStatus.Appended, (await engine.AppendAsync(id, Engines.Event($"p{p}", i), ct)).Status);
                        Assert.Equal(AppendStatus.Duplicate, (await engine.AppendAsync(id, Engines.Event($"p{p}", (i + 1) / 2), ct)).Status);
                    }
                },
                ct)));
            var checkpoints = 0;
            while (!writers.IsCompleted)
            {
                await engine.CheckpointAsync(ct);
                checkpoints++;
                await Task.Yield(); // a checkpoint with nothing new returns at once; don't spin the writers out
            }

            await writers;
            Assert.True(checkpoints > 0);
        }

        await using (var engine = await Engines.StartAsync(dir.Path))
        {
            var history = await engine.ReadAllAsync("ses_a");
            Assert.Equal(Enumerable.Range(1, producers * perProducer).Select(i => (long)i), history.Select(e => e.Seq));
            foreach (var e in history)
            {
                var retry = await engine.AppendAsync("ses_a", Engines.Event(e.ProducerId, e.ProducerSeq), ct);
                Assert.Equal(new AppendResult(AppendStatus.Duplicate, e.Seq, producers * perProducer), retry);
            }

            Assert.All(history.GroupBy(e => e.ProducerId), group =>
                Assert.Equal(Enumerable.Range(1, perProducer).Select(i => (long)i), group.Select(e => e.ProducerSeq)));
        }
    }
}
