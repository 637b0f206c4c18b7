using Starcite.Cluster.Tests.TestSupport;
using Starcite.Diagnostics;
using Starcite.Sessions;

namespace Starcite.Cluster.Tests;

[Collection(nameof(ClusterTests))]
[Trait("Category", "Cluster")]
public sealed class SnapshotTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WipedMember_IsCaughtUpBySnapshotInstall_WithEveryEvent()
    {
        // The snapshot travels and is installed within one Raft request. A cold member on a loaded 2-core machine can take
        // longer than the default 140 ms for its first install, and DotNext then resends a snapshot the member already
        // holds and refuses (README, Cluster: RequestTimeout), so this test gives requests ample time.
        await using var cluster = await InProcessCluster.StartAsync(configure: options =>
        {
            options.Cluster.LowerElectionTimeoutMilliseconds = 1000;
            options.Cluster.UpperElectionTimeoutMilliseconds = 2000;
            options.Cluster.RequestTimeout = TimeSpan.FromMilliseconds(900);
        });
        var leader = await cluster.WaitForLeaderAsync();
        var wiped = cluster.AnyFollower(leader);
        await cluster[leader].CreateSessionAsync(new CreateSessionRequest { Id = "ses_a" }, Ct);
        await cluster[leader].CreateSessionAsync(new CreateSessionRequest { Id = "ses_b" }, Ct);
        for (var n = 1; n <= 100; n++)
        {
            await cluster[leader].AppendAsync(n % 2 == 0 ? "ses_a" : "ses_b", InProcessCluster.Event("p", (n + 1) / 2), Ct);
        }

        await cluster.StopMemberAsync(wiped);
        cluster.Wipe(wiped);

        // Checkpoints let the WAL drop the entries they cover: the wiped member can then only be caught up by a snapshot.
        foreach (var member in cluster.Running)
        {
            await cluster[member].CheckpointAsync(Ct);
        }

        for (var n = 51; n <= 60; n++)
        {
            await cluster[leader].AppendAsync("ses_a", InProcessCluster.Event("p", n), Ct); // flushes, which cleans the WAL
        }

        await cluster.StartMemberAsync(wiped);
        await cluster.WaitForLastSeqAsync(wiped, "ses_a", 60);

        Assert.NotEmpty(cluster.Logs(wiped).WithEventId(LogEvents.SnapshotInstalled));
        var a = await cluster[wiped].ReadEventsAsync("ses_a", 0, 1000, Ct);
        var b = await cluster[wiped].ReadEventsAsync("ses_b", 0, 1000, Ct);
        Assert.Equal(Enumerable.Range(1, 60).Select(n => (long)n), a.Events.Select(e => e.Seq));
        Assert.Equal(Enumerable.Range(1, 50).Select(n => (long)n), b.Events.Select(e => e.Seq));
        var onLeader = await cluster[leader].ReadEventsAsync("ses_a", 0, 1000, Ct);
        Assert.Equal(onLeader.Events.Select(e => (e.ProducerSeq, e.InsertedAt)), a.Events.Select(e => (e.ProducerSeq, e.InsertedAt)));
    }
}
