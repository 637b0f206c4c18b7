using System.Text;

namespace Starcite.Benchmarks.Peers.Tests;

/// <summary>
/// Each adapter against its real server, a few hundred operations each: what the benchmark relies on when it compares
/// them. Seq is gap-free under concurrent writers, a retry returns the original seq, an expected-seq conflict is
/// detected, and a subscription delivers everything after its cursor exactly once and in order.
/// </summary>
[Trait("Category", "Integration")]
public sealed class PeerAdapterSmokeTests(PeerSystemsFixture fixture) : IClassFixture<PeerSystemsFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static readonly byte[] Payload = Encoding.UTF8.GetBytes("{\"text\":\"smoke\",\"n\":[1,2,3]}");

    [Theory]
    [MemberData(nameof(PeerSystemsFixture.Names), MemberType = typeof(PeerSystemsFixture))]
    public async Task Append_ConcurrentProducers_SeqIsGapFreeAndOrderedPerProducer(string system)
    {
        await using var client = await ConnectAsync(system);
        var session = await NewSessionAsync(client);
        const int producers = 4, each = 60;

        var seqs = await Task.WhenAll(Enumerable.Range(0, producers).Select(p => Task.Run(async () =>
        {
            var mine = new List<long>();
            for (var n = 1; n <= each; n++)
            {
                var result = await client.AppendAsync(session, new PeerAppend($"p{p}", n, null, Payload), Token);
                Assert.Equal(PeerOutcome.Appended, result.Outcome);
                mine.Add(result.Seq);
            }

            return mine;
        })));

        Assert.Equal(Enumerable.Range(1, producers * each).Select(i => (long)i), seqs.SelectMany(s => s).Order());
        var stored = await ReadAllAsync(client, session);
        Assert.Equal(Enumerable.Range(1, producers * each).Select(i => (long)i), stored.Select(e => e.Seq));
        for (var p = 0; p < producers; p++)
        {
            var mine = stored.Where(e => e.ProducerId == $"p{p}").ToList();
            Assert.Equal(Enumerable.Range(1, each).Select(i => (long)i), mine.Select(e => e.ProducerSeq));
            Assert.Equal(seqs[p], mine.Select(e => e.Seq));
        }

        Assert.All(stored, e => AssertSameJson(Payload, e.Payload));
    }

    [Theory]
    [MemberData(nameof(PeerSystemsFixture.Names), MemberType = typeof(PeerSystemsFixture))]
    public async Task Append_Retry_ReturnsOriginalSeqAndAppendsNothing(string system)
    {
        await using var client = await ConnectAsync(system);
        var session = await NewSessionAsync(client);
        for (var n = 1; n <= 100; n++)
        {
            // Another producer interleaves, so a producer's seq is not its producer_seq.
            Assert.Equal(2 * n - 1, (await client.AppendAsync(session, new PeerAppend("retrying", n, null, Payload), Token)).Seq);
            Assert.Equal(2 * n, (await client.AppendAsync(session, new PeerAppend("other", n, null, Payload), Token)).Seq);
        }

        for (var n = 1; n <= 100; n += 3)
        {
            var retry = await client.AppendAsync(session, new PeerAppend("retrying", n, null, Payload), Token);
            Assert.Equal(PeerOutcome.Deduped, retry.Outcome);
            Assert.Equal(2 * n - 1, retry.Seq);
        }

        Assert.Equal(200, (await ReadAllAsync(client, session)).Count);
        Assert.Equal(201, (await client.AppendAsync(session, new PeerAppend("retrying", 101, null, Payload), Token)).Seq);
    }

    [Theory]
    [MemberData(nameof(PeerSystemsFixture.Names), MemberType = typeof(PeerSystemsFixture))]
    public async Task Append_ExpectedSeq_ConflictIsDetectedAndChangesNothing(string system)
    {
        await using var client = await ConnectAsync(system);
        var session = await NewSessionAsync(client);
        for (var n = 1; n <= 100; n++)
        {
            var ok = await client.AppendAsync(session, new PeerAppend("cas", n, n - 1, Payload), Token);
            Assert.Equal(new PeerAppendResult(PeerOutcome.Appended, n, n), ok);
        }

        // A writer that has not seen the latest event loses, whatever it expected.
        foreach (var stale in new long[] { 0, 50, 99, 101 })
        {
            var conflict = await client.AppendAsync(session, new PeerAppend("late", 1, stale, Payload), Token);
            Assert.Equal(PeerOutcome.ExpectedSeqConflict, conflict.Outcome);
            Assert.Equal(100, conflict.LastSeq);
        }

        // Dedupe comes before the check: retrying a conditional append that succeeded is safe.
        var retry = await client.AppendAsync(session, new PeerAppend("cas", 40, 39, Payload), Token);
        Assert.Equal(PeerOutcome.Deduped, retry.Outcome);
        Assert.Equal(40, retry.Seq);

        Assert.Equal(Enumerable.Range(1, 100).Select(i => (long)i), (await ReadAllAsync(client, session)).Select(e => e.Seq));
        Assert.Equal(101, (await client.AppendAsync(session, new PeerAppend("late", 1, 100, Payload), Token)).Seq);
    }

    [Theory]
    [MemberData(nameof(PeerSystemsFixture.Names), MemberType = typeof(PeerSystemsFixture))]
    public async Task Subscribe_FromCursor_ReceivesHistoryThenLiveExactlyOnceInOrder(string system)
    {
        await using var client = await ConnectAsync(system);
        var session = await NewSessionAsync(client);
        for (var n = 1; n <= 30; n++)
        {
            await client.AppendAsync(session, new PeerAppend("before", n, null, Payload), Token);
        }

        const long cursor = 10, total = 330;
        await using var subscription = await client.SubscribeAsync(session, cursor, Token);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Token);
        deadline.CancelAfter(Timeout);
        var received = Task.Run(async () =>
        {
            var seqs = new List<long>();
            await foreach (var e in subscription.ReadAllAsync(deadline.Token))
            {
                seqs.Add(e.Seq);
                AssertSameJson(Payload, e.Payload);
                if (e.Seq == total)
                {
                    break;
                }
            }

            return seqs;
        });

        // Three live writers at once, so live events can race each other and the catch-up.
        await Task.WhenAll(Enumerable.Range(0, 3).Select(w => Task.Run(async () =>
        {
            for (var n = 1; n <= 100; n++)
            {
                await client.AppendAsync(session, new PeerAppend($"live{w}", n, null, Payload), Token);
            }
        })));

        Assert.Equal(Enumerable.Range((int)cursor + 1, (int)(total - cursor)).Select(i => (long)i), await received);
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private async Task<IPeerClient> ConnectAsync(string system) => await (await fixture.GetAsync(system)).ConnectAsync(Token);

    private static async Task<string> NewSessionAsync(IPeerClient client)
    {
        var session = $"smoke-{Guid.NewGuid():N}";
        await client.CreateSessionAsync(session, Token);
        return session;
    }

    private static async Task<List<PeerEvent>> ReadAllAsync(IPeerClient client, string session)
    {
        var all = new List<PeerEvent>();
        while (true)
        {
            var page = await client.ReadAsync(session, all.Count == 0 ? 0 : all[^1].Seq, 100, Token);
            if (page.Count == 0)
            {
                return all;
            }

            all.AddRange(page);
        }
    }

    // PostgreSQL's jsonb re-renders the object (keys reordered, spaces added): compare JSON values, not bytes.
    private static void AssertSameJson(ReadOnlyMemory<byte> expected, ReadOnlyMemory<byte> actual)
    {
        using var a = System.Text.Json.JsonDocument.Parse(expected);
        using var b = System.Text.Json.JsonDocument.Parse(actual);
        Assert.True(System.Text.Json.JsonElement.DeepEquals(a.RootElement, b.RootElement), System.Text.Encoding.UTF8.GetString(actual.Span));
    }
}
