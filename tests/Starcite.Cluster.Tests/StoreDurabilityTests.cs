using Starcite.Cluster.Tests.TestSupport;
using Starcite.Diagnostics;
using Starcite.Sessions;
using Starcite.Tests.TestSupport;

namespace Starcite.Cluster.Tests;

/// <summary>
/// A member's store writes without O_SYNC: the WAL is the durable log (architecture.md, Cluster mode). After a crash the
/// store rolls back to its newest durable point and the WAL replays the rest, so nothing is lost, provided a checkpoint,
/// which lets the WAL drop the entries it covers, made the store durable first.
/// </summary>
[Collection(nameof(ClusterTests))]
[Trait("Category", "Cluster")]
public sealed class StoreDurabilityTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Member_RestartedFromACrashImage_RollsItsStoreBackAndEndsWithEveryEvent()
    {
        await using var cluster = await InProcessCluster.StartAsync();
        var leader = await cluster.WaitForLeaderAsync();
        var member = cluster.AnyFollower(leader);
        await cluster[leader].CreateSessionAsync(new CreateSessionRequest { Id = "ses_a" }, Ct);
        for (var n = 1; n <= 100; n++)
        {
            await cluster[leader].AppendAsync("ses_a", InProcessCluster.Event("p", n), Ct);
        }

        await cluster.WaitForLastSeqAsync(member, "ses_a", 100);
        await cluster[member].CheckpointAsync(Ct);
        for (var n = 101; n <= 150; n++)
        {
            await cluster[leader].AppendAsync("ses_a", InProcessCluster.Event("p", n), Ct); // the WAL drops what the checkpoint covers
        }

        await cluster.WaitForLastSeqAsync(member, "ses_a", 150);

        // The files of the running member, as a crash leaves them; the store's records after its durable point are cut
        // at the reopen, whether the page cache had written them or not.
        var image = cluster.DataDirectory(member) + "-crashed";
        DirectoryCopy.Copy(cluster.DataDirectory(member), image);
        await cluster.StopMemberAsync(member);
        Directory.Delete(cluster.DataDirectory(member), recursive: true);
        Directory.Move(image, cluster.DataDirectory(member));
        await cluster.StartMemberAsync(member);
        await cluster.WaitForLastSeqAsync(member, "ses_a", 150);
        await cluster.WaitForLeaderAsync(); // a read passes a barrier that needs the leader

        Assert.NotEmpty(cluster.Logs(member).WithEventId(LogEvents.RolledBackToDurablePoint));
        // A checkpoint past the store's durable point would be found stale after the rollback and make the engine rebuild
        // (logged as LogDamageRemoved), and the WAL may no longer hold what that checkpoint covered.
        Assert.Empty(cluster.Logs(member).WithEventId(LogEvents.LogDamageRemoved));
        var onMember = await cluster[member].ReadEventsAsync("ses_a", 0, 1000, Ct);
        var onLeader = await cluster[leader].ReadEventsAsync("ses_a", 0, 1000, Ct);
        Assert.Equal(Enumerable.Range(1, 150).Select(n => (long)n), onMember.Events.Select(e => e.Seq));
        Assert.Equal(onLeader.Events.Select(e => (e.ProducerSeq, e.InsertedAt)), onMember.Events.Select(e => (e.ProducerSeq, e.InsertedAt)));
    }
}
