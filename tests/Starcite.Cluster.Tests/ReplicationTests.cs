using Starcite.Cluster.Tests.TestSupport;
using Starcite.Sessions;

namespace Starcite.Cluster.Tests;

[Collection(nameof(ClusterTests))]
[Trait("Category", "Cluster")]
public sealed class ReplicationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ThreeMembers_ElectOneLeader_AndReplicateEveryAppendToEveryMember()
    {
        await using var cluster = await InProcessCluster.StartAsync();
        var leader = await cluster.WaitForLeaderAsync();

        await cluster[leader].CreateSessionAsync(new CreateSessionRequest { Id = "ses_a" }, Ct);
        for (var n = 1; n <= 20; n++)
        {
            var result = await cluster[leader].AppendAsync("ses_a", InProcessCluster.Event("p", n), Ct);
            Assert.Equal((AppendStatus.Appended, (long)n), (result.Status, result.Seq));
        }

        foreach (var member in cluster.Running)
        {
            var page = await cluster[member].ReadEventsAsync("ses_a", 0, 100, Ct); // a read barrier on followers
            Assert.Equal(Enumerable.Range(1, 20).Select(n => (long)n), page.Events.Select(e => e.Seq));
            Assert.Equal(20, page.LastSeq);
        }
    }

    [Fact]
    public async Task AppendOnAFollower_ThrowsNotLeader_NamingTheLeadersClientUrl()
    {
        await using var cluster = await InProcessCluster.StartAsync();
        var leader = await cluster.WaitForLeaderAsync();
        await cluster[leader].CreateSessionAsync(new CreateSessionRequest { Id = "ses_a" }, Ct);
        var follower = cluster.AnyFollower(leader);

        var error = await Assert.ThrowsAsync<NotLeaderException>(async () => await cluster[follower].AppendAsync("ses_a", InProcessCluster.Event("p", 1), Ct));
        var create = await Assert.ThrowsAsync<NotLeaderException>(async () => await cluster[follower].CreateSessionAsync(new CreateSessionRequest { Id = "ses_b" }, Ct));

        Assert.Equal($"http://member{leader}.test", error.LeaderClientUrl);
        Assert.Equal("unavailable", create.Code);
    }

    [Fact]
    public async Task ReadOnAnyMember_RightAfterAnAck_AlwaysSeesTheAcknowledgedEvent()
    {
        await using var cluster = await InProcessCluster.StartAsync();
        var leader = await cluster.WaitForLeaderAsync();
        await cluster[leader].CreateSessionAsync(new CreateSessionRequest { Id = "ses_a" }, Ct);

        for (var n = 1; n <= 50; n++)
        {
            var ack = await cluster[leader].AppendAsync("ses_a", InProcessCluster.Event("p", n), Ct);
            // The leader included: an ack comes before the event's local commit, so reads wait for it to be visible.
            foreach (var member in cluster.Running)
            {
                // The cursor from the ack is valid on every member at once: a tail from it opens, history reaches it.
                await using var tail = await cluster[member].OpenTailAsync("ses_a", ack.Seq, Ct);
                var session = await cluster[member].GetSessionAsync("ses_a", Ct);
                Assert.Equal(ack.Seq, session!.LastSeq);
                var page = await cluster[member].ReadEventsAsync("ses_a", ack.Seq - 1, cancellationToken: Ct);
                Assert.Equal(ack.Seq, Assert.Single(page.Events).Seq);
            }
        }
    }

    [Fact]
    public async Task EveryOutcome_IsTheSameAsOnASingleNode()
    {
        await using var cluster = await InProcessCluster.StartAsync();
        var leader = await cluster.WaitForLeaderAsync();
        var engine = cluster[leader];

        Assert.True((await engine.CreateSessionAsync(new CreateSessionRequest { Id = "ses_a" }, Ct)).Created);
        Assert.False((await engine.CreateSessionAsync(new CreateSessionRequest { Id = "ses_a" }, Ct)).Created);
        var first = await engine.AppendAsync("ses_a", InProcessCluster.Event("p", 1, expectedSeq: 0), Ct);
        var retry = await engine.AppendAsync("ses_a", InProcessCluster.Event("p", 1, expectedSeq: 0), Ct);
        var replay = await engine.AppendAsync("ses_a", InProcessCluster.Event("p", 1, type: "changed"), Ct);
        var order = await engine.AppendAsync("ses_a", InProcessCluster.Event("p", 5), Ct);
        var expected = await engine.AppendAsync("ses_a", InProcessCluster.Event("q", 1, expectedSeq: 7), Ct);
        var missing = await engine.AppendAsync("ses_none", InProcessCluster.Event("p", 1), Ct);

        Assert.Equal((AppendStatus.Appended, 1L), (first.Status, first.Seq));
        Assert.Equal((AppendStatus.Duplicate, 1L, 1L), (retry.Status, retry.Seq, retry.LastSeq));
        Assert.Equal(AppendStatus.ProducerReplayConflict, replay.Status);
        Assert.Equal((AppendStatus.ProducerSeqConflict, 2L), (order.Status, order.ExpectedProducerSeq));
        Assert.Equal((AppendStatus.ExpectedSeqConflict, 1L), (expected.Status, expected.LastSeq));
        Assert.Equal(AppendStatus.SessionNotFound, missing.Status);
        foreach (var member in cluster.Running)
        {
            Assert.Equal(1, (await cluster[member].ReadEventsAsync("ses_a", 0, 10, Ct)).LastSeq); // rejections left no trace
        }
    }
}
