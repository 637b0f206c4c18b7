using Starcite.Cluster.Tests.TestSupport;
using Starcite.Sessions;

namespace Starcite.Cluster.Tests;

[Collection(nameof(ClusterTests))]
[Trait("Category", "Cluster")]
public sealed class FailoverTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task LeaderStops_ANewLeaderTakesOver_AndRetriesAreDeduplicated()
    {
        await using var cluster = await InProcessCluster.StartAsync();
        var leader = await cluster.WaitForLeaderAsync();
        await cluster[leader].CreateSessionAsync(new CreateSessionRequest { Id = "ses_a" }, Ct);
        for (var n = 1; n <= 10; n++)
        {
            await cluster[leader].AppendAsync("ses_a", InProcessCluster.Event("p", n), Ct);
        }

        await cluster.StopMemberAsync(leader);
        var next = await cluster.WaitForLeaderAsync();
        var retry = await cluster[next].AppendAsync("ses_a", InProcessCluster.Event("p", 10), Ct);
        var fresh = await cluster[next].AppendAsync("ses_a", InProcessCluster.Event("p", 11), Ct);

        Assert.NotEqual(leader, next);
        Assert.Equal((AppendStatus.Duplicate, 10L), (retry.Status, retry.Seq));
        Assert.Equal((AppendStatus.Appended, 11L), (fresh.Status, fresh.Seq));
        foreach (var member in cluster.Running)
        {
            var page = await cluster[member].ReadEventsAsync("ses_a", 0, 100, Ct);
            Assert.Equal(Enumerable.Range(1, 11).Select(n => (long)n), page.Events.Select(e => e.Seq));
        }
    }

    [Fact]
    public async Task TailOnAFollower_AcrossALeaderChange_DeliversEveryEventOnceInOrder()
    {
        await using var cluster = await InProcessCluster.StartAsync();
        var leader = await cluster.WaitForLeaderAsync();
        await cluster[leader].CreateSessionAsync(new CreateSessionRequest { Id = "ses_a" }, Ct);
        var follower = cluster.AnyFollower(leader);
        await using var tail = await cluster[follower].OpenTailAsync("ses_a", 0, Ct);
        var received = new List<long>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        stop.CancelAfter(TimeSpan.FromSeconds(60));
        var reading = Task.Run(async () =>
        {
            await foreach (var e in tail.ReadAllAsync(stop.Token))
            {
                received.Add(e.Seq);
                if (e.Seq == 40)
                {
                    return;
                }
            }
        }, Ct);

        for (var n = 1; n <= 20; n++)
        {
            await cluster[leader].AppendAsync("ses_a", InProcessCluster.Event("p", n), Ct);
        }

        await cluster.StopMemberAsync(leader);
        var next = await cluster.WaitForLeaderAsync();
        for (var n = 21; n <= 40; n++)
        {
            await cluster[next].AppendAsync("ses_a", InProcessCluster.Event("p", n), Ct);
        }

        await reading;
        Assert.Equal(Enumerable.Range(1, 40).Select(n => (long)n), received);
    }

    [Fact]
    public async Task RestartedMember_RecoversItsStore_AndCatchesUpOnWhatItMissed()
    {
        await using var cluster = await InProcessCluster.StartAsync();
        var leader = await cluster.WaitForLeaderAsync();
        await cluster[leader].CreateSessionAsync(new CreateSessionRequest { Id = "ses_a" }, Ct);
        for (var n = 1; n <= 10; n++)
        {
            await cluster[leader].AppendAsync("ses_a", InProcessCluster.Event("p", n), Ct);
        }

        var follower = cluster.AnyFollower(leader);
        await cluster.WaitForLastSeqAsync(follower, "ses_a", 10);
        await cluster.StopMemberAsync(follower);
        for (var n = 11; n <= 30; n++)
        {
            await cluster[leader].AppendAsync("ses_a", InProcessCluster.Event("p", n), Ct); // a majority of two still commits
        }

        await cluster.StartMemberAsync(follower);
        await cluster.WaitForLastSeqAsync(follower, "ses_a", 30);

        var page = await cluster[follower].ReadEventsAsync("ses_a", 0, 100, Ct);
        Assert.Equal(Enumerable.Range(1, 30).Select(n => (long)n), page.Events.Select(e => e.Seq));
    }

    [Fact]
    public async Task MinorityMember_CannotAcknowledgeAnything_AndFailsFast()
    {
        await using var cluster = await InProcessCluster.StartAsync();
        var leader = await cluster.WaitForLeaderAsync();
        await cluster[leader].CreateSessionAsync(new CreateSessionRequest { Id = "ses_a" }, Ct);
        await cluster[leader].AppendAsync("ses_a", InProcessCluster.Event("p", 1), Ct);

        // Keep the leader and stop both followers: it is now a minority of one.
        foreach (var follower in cluster.Running.Where(i => i != leader).ToList())
        {
            await cluster.StopMemberAsync(follower);
        }

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var error = await Assert.ThrowsAnyAsync<StarciteException>(async () => await cluster[leader].AppendAsync("ses_a", InProcessCluster.Event("p", 2), Ct));
        var read = await Assert.ThrowsAnyAsync<StarciteException>(async () => await cluster[leader].ReadEventsAsync("ses_a", 0, 10, Ct));

        Assert.Equal("unavailable", error.Code);
        Assert.Equal("unavailable", read.Code);
        Assert.InRange(System.Diagnostics.Stopwatch.GetElapsedTime(started), TimeSpan.Zero, TimeSpan.FromSeconds(10)); // nothing hangs
    }
}
