using System.Collections.Concurrent;
using System.Diagnostics;
using Starcite.Archive.Tests.TestSupport;
using Starcite.Cluster.Tests.TestSupport;

namespace Starcite.Cluster.Tests;

/// <summary>Three real server processes: forwarding, and the leader SIGKILLed under load, several times.</summary>
[Collection(nameof(ClusterTests))]
[Trait("Category", "Cluster")]
public sealed class ServerClusterTests
{
    private static readonly TimeSpan RetryBackoff = TimeSpan.FromMilliseconds(20);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnyNode_TakesWrites_ForwardingThemToTheLeader_AndServesEveryRead()
    {
        await using var cluster = await ServerCluster.StartAsync();
        var leader = await cluster.WaitForLeaderAsync();
        var follower = Enumerable.Range(0, cluster.Size).First(i => i != leader);

        var created = await PostRetryingAsync(cluster.Clients[follower], "/v1/sessions", """{"id":"ses_a"}""");
        Assert.Equal(201, created.Status);
        for (var n = 1; n <= 9; n++)
        {
            var node = cluster.Clients[n % cluster.Size];
            var (status, body) = await PostRetryingAsync(node, "/v1/sessions/ses_a/append", Event("p", n));
            Assert.Equal(201, status);
            Assert.Equal(n, body.GetProperty("seq").GetInt64());
        }

        var retry = await PostRetryingAsync(cluster.Clients[follower], "/v1/sessions/ses_a/append", Event("p", 9));
        Assert.True(retry.Body.GetProperty("deduped").GetBoolean());
        var conflict = await PostRetryingAsync(cluster.Clients[follower], "/v1/sessions/ses_a/append", Event("p", 20));
        Assert.Equal((409, "producer_seq_conflict"), (conflict.Status, conflict.Body.GetProperty("error").GetString()));
        foreach (var client in cluster.Clients)
        {
            var events = await ServerCluster.HistoryAsync(client, "ses_a");
            Assert.Equal(Enumerable.Range(1, 9).Select(n => (long)n), events.Select(e => e.GetProperty("seq").GetInt64()));
        }
    }

    [Fact]
    public async Task LeaderSigkilledUnderLoad_ThreeTimes_EveryAckSurvivesExactlyOnceInOrderOnEveryNode()
    {
        const int sessions = 4, writers = 6;
        await using var cluster = await ServerCluster.StartAsync();
        for (var s = 0; s < sessions; s++)
        {
            Assert.Equal(201, (await ServerCluster.PostAsync(cluster.Clients[0], "/v1/sessions", $$"""{"id":"ses_{{s}}"}""")).Status);
        }

        var acked = new ConcurrentDictionary<(string Session, string Producer, long ProducerSeq), long>();
        var lastAck = Stopwatch.GetTimestamp();
        using var stop = new CancellationTokenSource();
        var load = Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            // Each writer owns a producer in one session and sends through "its" node, moving on when that node is
            // down; a failed or unanswered append is retried with the same producer_seq until it is acknowledged.
            var session = $"ses_{w % sessions}";
            var node = w % cluster.Size;
            for (long n = 1; !stop.IsCancellationRequested; n++)
            {
                while (!stop.IsCancellationRequested)
                {
                    try
                    {
                        var (status, body) = await ServerCluster.PostAsync(cluster.Clients[node], $"/v1/sessions/{session}/append", Event($"w{w}", n));
                        if (status == 201)
                        {
                            Assert.True(acked.TryAdd((session, $"w{w}", n), body.GetProperty("seq").GetInt64()) || acked[(session, $"w{w}", n)] == body.GetProperty("seq").GetInt64());
                            Interlocked.Exchange(ref lastAck, Stopwatch.GetTimestamp());
                            break;
                        }

                        Assert.Equal(503, status); // the only other answer an election may give
                        await Task.Delay(RetryBackoff, Ct); // back off as Retry-After asks, if more briefly
                    }
                    catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !stop.IsCancellationRequested)
                    {
                        node = (node + 1) % cluster.Size; // the node died under us
                    }
                }
            }
        })).ToArray();

        var resumeTimes = new List<TimeSpan>();
        for (var kill = 0; kill < 3; kill++)
        {
            await WaitForAcksAsync(acked, acked.Count + 200);
            var leader = await cluster.WaitForLeaderAsync();
            var killedAt = Stopwatch.GetTimestamp();
            await cluster.KillNodeAsync(leader);
            await WaitForAcksAsync(acked, acked.Count + 1, after: killedAt, lastAck: () => Interlocked.Read(ref lastAck));
            resumeTimes.Add(Stopwatch.GetElapsedTime(killedAt, Interlocked.Read(ref lastAck)));
            await cluster.StartNodeAsync(leader);
        }

        await WaitForAcksAsync(acked, acked.Count + 100);
        await stop.CancelAsync();
        await Task.WhenAll(load);
        await cluster.WaitForLeaderAsync();

        TestContext.Current.TestOutputHelper?.WriteLine($"writes resumed {string.Join(", ", resumeTimes.Select(t => $"{t.TotalMilliseconds:F0} ms"))} after each kill; {acked.Count} acks");
        Assert.All(resumeTimes, time => Assert.InRange(time, TimeSpan.Zero, TimeSpan.FromSeconds(2)));
        for (var node = 0; node < cluster.Size; node++)
        {
            for (var s = 0; s < sessions; s++)
            {
                var events = await ServerCluster.HistoryAsync(cluster.Clients[node], $"ses_{s}");
                Assert.Equal(Enumerable.Range(1, events.Count).Select(n => (long)n), events.Select(e => e.GetProperty("seq").GetInt64())); // gap-free, in order
                var keys = events.Select(e => ($"ses_{s}", e.GetProperty("producer_id").GetString()!, e.GetProperty("producer_seq").GetInt64())).ToList();
                Assert.Equal(keys.Count, keys.Distinct().Count()); // nothing twice
                foreach (var ack in acked.Where(a => a.Key.Session == $"ses_{s}"))
                {
                    Assert.Equal(ack.Value, events[(int)ack.Value - 1].GetProperty("seq").GetInt64());
                    Assert.Equal((ack.Key.Producer, ack.Key.ProducerSeq), (events[(int)ack.Value - 1].GetProperty("producer_id").GetString(), events[(int)ack.Value - 1].GetProperty("producer_seq").GetInt64()));
                }
            }
        }
    }

    /// <summary>Posts, retrying a 503 (a leader election in progress) as a client would; same body, so retries are safe.</summary>
    private static async Task<(int Status, System.Text.Json.JsonElement Body)> PostRetryingAsync(HttpClient client, string path, string json)
    {
        while (true)
        {
            var (status, body) = await ServerCluster.PostAsync(client, path, json);
            if (status != 503)
            {
                return (status, body);
            }

            await Task.Delay(RetryBackoff, Ct);
        }
    }

    private static string Event(string producer, long producerSeq) =>
        $$"""{"type":"content","payload":{"text":"{{producer}}-{{producerSeq}}"},"actor":"agent:test","producer_id":"{{producer}}","producer_seq":{{producerSeq}}}""";

    private static Task<bool> WaitForAcksAsync(ConcurrentDictionary<(string, string, long), long> acked, int count, long after = 0, Func<long>? lastAck = null) =>
        Eventually.ValueAsync(() => acked.Count >= count && (lastAck is null || lastAck() > after) ? true : (bool?)null, $"{count} acknowledged appends");
}
